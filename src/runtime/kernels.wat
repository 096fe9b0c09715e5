;; dsnet's CPU kernels, in WebAssembly with 128-bit SIMD (four float32 lanes).
;;
;; Assembled by `npx tsx tools/build-runtime.ts` into kernels.generated.ts, which the CPU plan
;; (src/backends/cpu/plan.ts) and every module made by `dsnet compile --target ts` instantiate.
;; depthwise3x3 is itself written by `npx tsx tools/gen-depthwise3x3.ts` (edit that, not it).
;; Everything is float32, activations NHWC; every pointer and stride argument is in bytes unless
;; its name says floats. A tail of fewer than four channels is loaded as a whole vector (reading
;; up to 12 bytes past the buffer: a neighbour's data inside the arena, slack after it) and only
;; its valid lanes are stored.
;;
;; Fused activations, by code:
;;   0 none   1 relu   2 relu6   3 leaky_relu(slope)   4 hardsigmoid   5 hardswish
;;   6 sigmoid   7 silu   8 tanh
;; (the last three through exp, which WebAssembly lacks: see $expm1_reduced; each is within
;; 1.7e-7 relative of the exact value, or half a subnormal step: silu's worst is 1.66e-7 in a
;; sweep of 8M inputs, and test/kernel-activations.test.ts holds every one to 2e-7).
;; `(@hardsigmoid (local.get $x))` and `(@hardswish (local.get $x))` are not WebAssembly:
;; tools/build-runtime.ts writes them out before assembling (relu6(x + 3) / 6, and x times
;; that), so that the kernels that store hardswish without a call (a call of $activate from a
;; kernel's loop costs more than its arithmetic: V8 spills the live vectors around it) share
;; one definition with $activate, bit for bit. `(@activate_in_place $x)`, in depthwise5x5, sets
;; local $x to its activation as the kernel's locals say: a clamp to [$lo_v, $hi_v] (min/max),
;; hardswish written out, leaky relu, hardsigmoid, sigmoid, silu and tanh left for the row's
;; `activate` ($deferred). `(@sigmoid_lanes N silu)` (or sigmoid), in
;; `activate`, is $sigmoid written out on N vectors at once, from $sigmoid's own text (so a
;; change to $sigmoid or $expm1_reduced reaches it; build-runtime.ts refuses what it cannot
;; take: see expandSigmoidLanes).

(module
  ;; One memory, made by the host: shared, so that worker threads run these kernels on it too
  ;; (src/runtime/threads.ts); a host without shared memory flips the flag (kernels.ts).
  (import "env" "memory" (memory 1 65536 shared))

  ;; The constants of $expm1_reduced, $sigmoid and $tanh. V8 builds a v128.const afresh at each use
  ;; (three instructions: an immediate, a move and a shuffle) but loads a global in one, which
  ;; took 17% off activate's sigmoid, 7% off silu and 11% off tanh. $round_int is 1.5·2^23
  ;; (x + it - it is x rounded to an integer), $ln2_hi + $ln2_lo is ln2 (Cody and Waite),
  ;; $exponent_min is -100 << 23 (see $sigmoid), and $one's bits are also 127 << 23, the
  ;; exponent's bias.
  (global $sign_bits v128 (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
  (global $minus_110 v128 (v128.const f32x4 -110 -110 -110 -110))
  (global $float_max v128 (v128.const f32x4 3.4028234e38 3.4028234e38 3.4028234e38 3.4028234e38))
  (global $one v128 (v128.const f32x4 1 1 1 1))
  (global $half v128 (v128.const f32x4 0.5 0.5 0.5 0.5))
  (global $log2e v128 (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
  (global $round_int v128 (v128.const f32x4 12582912 12582912 12582912 12582912))
  (global $ln2_hi v128 (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
  (global $ln2_lo v128 (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
  (global $exponent_min v128 (v128.const i32x4 0xce000000 0xce000000 0xce000000 0xce000000))
  (global $exp_c0 v128 (v128.const f32x4 4.9999994040e-1 4.9999994040e-1 4.9999994040e-1 4.9999994040e-1))
  (global $exp_c1 v128 (v128.const f32x4 1.6666521132e-1 1.6666521132e-1 1.6666521132e-1 1.6666521132e-1))
  (global $exp_c2 v128 (v128.const f32x4 4.1668388993e-2 4.1668388993e-2 4.1668388993e-2 4.1668388993e-2))
  (global $exp_c3 v128 (v128.const f32x4 8.3687100559e-3 8.3687100559e-3 8.3687100559e-3 8.3687100559e-3))
  (global $exp_c4 v128 (v128.const f32x4 1.3814612757e-3 1.3814612757e-3 1.3814612757e-3 1.3814612757e-3))

  ;; ---------------------------------------------------------------------------------------
  ;; expm1_reduced: e^r - 1, where r = t - n·ln2 and n = nearest(t·log2 e) is given (as
  ;; floats), so |r| <= ln2/2. ln2 is split in two (Cody and Waite) so that n·ln2 loses nothing
  ;; for the n used here. The polynomial is r + r²·P(r), of degree 6 in all (P of degree 4),
  ;; fitted (minimax) to e^r's relative error: 4.1e-9 with these float32 coefficients, a
  ;; fifteenth of float32's half ulp (Cephes' of degree 7, used before, was closer than float32
  ;; can use; degree 5 in all would be 1.1e-7).
  ;; It is evaluated as r + (r²·(c0 + c1·r) + r⁴·(c2 + c3·r + c4·r²)), a chain six operations
  ;; deep after r instead of Horner's ten: sigmoid and silu are bound by their latency
  ;; (the same polynomial by Horner's rule measured 5% slower in silu). Callers add the 1
  ;; themselves, or keep it apart where that saves a rounding.
  (func $expm1_reduced (param $t v128) (param $n v128) (result v128)
    (local $r v128) (local $r2 v128)
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $t) (f32x4.mul (local.get $n) (global.get $ln2_hi)))
        (f32x4.mul (local.get $n) (global.get $ln2_lo))))
    (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
    (f32x4.add (local.get $r)
      (f32x4.add
        (f32x4.mul (local.get $r2)
          (f32x4.add (global.get $exp_c0) (f32x4.mul (local.get $r) (global.get $exp_c1))))
        (f32x4.mul (f32x4.mul (local.get $r2) (local.get $r2))
          (f32x4.add
            (f32x4.add (global.get $exp_c2) (f32x4.mul (local.get $r) (global.get $exp_c3)))
            (f32x4.mul (local.get $r2) (global.get $exp_c4)))))))

  ;; sigmoid (or, when $silu, x·sigmoid(x)) of four lanes, from e = e^-|x|, which never
  ;; overflows: sigmoid(x) = 1/(1+e) for x >= 0 and e/(1+e) for x < 0, e = (1+u)·2^n.
  ;;
  ;; 2^n is split as s·2^(n-a), s = 2^a with a = max(n, -100), so that neither factor of 2^n
  ;; is subnormal (x86 takes a slow path for those) and results below the normal range (x < -87)
  ;; still underflow gradually, rounded once: the numerator is 1+u (x + x·u for silu), the
  ;; divisor d·2^-a (for x < 0; exact, and off the critical path) and the quotient is scaled by
  ;; 2^(n-a) last. d = u·s + (1+s) is 1 + e rounded (for n < -100, s stands in for 2^n: d is 1
  ;; and err about 2^-100 rather than e, a change below 2^-100 relative), and err = (1 - d) + e, e = s + u·s, what
  ;; d misses (1 - d is exact): the numerator is multiplied by 1 - err/d, with 1/d taken as
  ;; 1 - e/2 (within 13%, of a term of at most 2^-23), which takes silu's worst error on the
  ;; tests' grids from 1.9e-7 to 1.5e-7. A second division in series did that before: by count,
  ;; the chain from x to the result is now about 70 cycles deep instead of 95, and activate's
  ;; sigmoid and silu take 0.61 and 0.70 of their time before (V8 on x86-64, over [-8, 8], the
  ;; globals above included; 0.62 and 0.56 over [-100, 100], where no operand is subnormal now).
  ;; Written m = (1+u)·(1 - e/2), the numerator is 1 + (u - m·err), and for silu
  ;; x - (x·m·err - x·u), which keeps silu(-0) = -0; x is at most the largest float in the
  ;; products, so silu(∞) = ∞, not ∞·0. Below x = -110 both round to zero, so t is clamped there
  ;; (x too, for silu); NaN stays NaN (pmax and pmin keep a NaN first operand).
  (func $sigmoid (param $v v128) (param $silu i32) (result v128)
    (local $t v128) (local $k v128) (local $u v128) (local $a v128) (local $s v128) (local $e v128)
    (local $d v128) (local $m v128) (local $neg v128) (local $x v128)
    ;; t = -|x|, n = nearest(t·log2 e): adding 1.5·2^23 rounds it into the low bits of k.
    (local.set $t (f32x4.pmax (v128.or (local.get $v) (global.get $sign_bits)) (global.get $minus_110)))
    (local.set $k (f32x4.add (f32x4.mul (local.get $t) (global.get $log2e)) (global.get $round_int)))
    (local.set $u (call $expm1_reduced (local.get $t) (f32x4.sub (local.get $k) (global.get $round_int))))
    ;; k << 23 is n in the exponent bits; s = 2^a, its bits a + 127·2^23.
    (local.set $k (i32x4.shl (local.get $k) (i32.const 23)))
    (local.set $a (i32x4.max_s (local.get $k) (global.get $exponent_min)))
    (local.set $s (i32x4.add (local.get $a) (global.get $one)))
    (local.set $neg (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0)))
    (local.set $e (f32x4.mul (local.get $u) (local.get $s)))
    (local.set $d (f32x4.add (local.get $e) (f32x4.add (local.get $s) (global.get $one))))
    (local.set $e (f32x4.add (local.get $e) (local.get $s)))
    ;; u where x < 0, else 0; m; then err in e.
    (local.set $u (v128.and (local.get $u) (local.get $neg)))
    (local.set $m (f32x4.mul (f32x4.add (local.get $u) (global.get $one)) (f32x4.sub (global.get $one) (f32x4.mul (local.get $e) (global.get $half)))))
    (local.set $e (f32x4.add (f32x4.sub (global.get $one) (local.get $d)) (local.get $e)))
    (local.set $u
      (f32x4.div
        (if (result v128) (local.get $silu)
          (then
            (local.set $x (f32x4.pmax (local.get $v) (global.get $minus_110)))
            (local.set $t (f32x4.pmin (local.get $x) (global.get $float_max)))
            (f32x4.sub (local.get $x)
              (f32x4.sub (f32x4.mul (f32x4.mul (local.get $t) (local.get $m)) (local.get $e)) (f32x4.mul (local.get $t) (local.get $u)))))
          (else (f32x4.add (global.get $one) (f32x4.sub (local.get $u) (f32x4.mul (local.get $m) (local.get $e))))))
        (f32x4.mul (local.get $d) (i32x4.sub (global.get $one) (v128.and (local.get $a) (local.get $neg))))))
    (f32x4.mul (local.get $u)
      (i32x4.add (v128.and (i32x4.sub (local.get $k) (local.get $a)) (local.get $neg)) (global.get $one))))

  ;; tanh of four lanes: below |x| = 0.625 Cephes' tanhf polynomial |x| + |x|³·q(x²) (1 - e^-2|x|
  ;; would cancel there), above it (1 - e)/(1 + e) with e = e^-2|x| (clamped at e^-87, where
  ;; tanh is 1 in float32), given x's sign.
  (func $tanh (param $v v128) (result v128)
    (local $a v128) (local $z v128) (local $q v128) (local $t v128) (local $k v128) (local $n v128) (local $e v128)
    (local.set $z (f32x4.mul (local.get $v) (local.get $v)))
    (local.set $q (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $z)) (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $z)) (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $z)) (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $z)) (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
    (local.set $a (f32x4.abs (local.get $v)))
    (local.set $t (f32x4.pmax (f32x4.mul (local.get $a) (v128.const f32x4 -2 -2 -2 -2)) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $k (f32x4.add (f32x4.mul (local.get $t) (global.get $log2e)) (global.get $round_int)))
    (local.set $n (f32x4.sub (local.get $k) (global.get $round_int)))
    ;; e = (1 + u)·2^n; 2^n's exponent bits are (n + 127) << 23, n being k's low bits.
    (local.set $e
      (f32x4.mul
        (f32x4.add (call $expm1_reduced (local.get $t) (local.get $n)) (global.get $one))
        (i32x4.shl (i32x4.add (local.get $k) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    ;; |tanh x| by either, then x's sign (which keeps tanh(-0) = -0).
    (v128.or
      (v128.bitselect
        (f32x4.add (local.get $a) (f32x4.mul (f32x4.mul (local.get $a) (local.get $z)) (local.get $q)))
        (f32x4.div
          (f32x4.sub (global.get $one) (local.get $e))
          (f32x4.add (global.get $one) (local.get $e)))
        (f32x4.lt (local.get $a) (v128.const f32x4 0.625 0.625 0.625 0.625)))
      (v128.and (local.get $v) (global.get $sign_bits))))

  ;; ---------------------------------------------------------------------------------------
  ;; activate: applies activation `act` to four lanes.
  (func $activate (param $v v128) (param $act i32) (param $slope f32) (result v128)
    (local $zero v128) (local $six v128)
    (if (i32.eqz (local.get $act)) (then (return (local.get $v))))
    (if (i32.ge_u (local.get $act) (i32.const 6))
      (then
        (if (i32.eq (local.get $act) (i32.const 8)) (then (return (call $tanh (local.get $v)))))
        (return (call $sigmoid (local.get $v) (i32.eq (local.get $act) (i32.const 7))))))
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $six (v128.const f32x4 6 6 6 6))
    (if (i32.eq (local.get $act) (i32.const 1))
      (then (return (f32x4.max (local.get $v) (local.get $zero)))))
    (if (i32.eq (local.get $act) (i32.const 2))
      (then (return (f32x4.min (f32x4.max (local.get $v) (local.get $zero)) (local.get $six)))))
    (if (i32.eq (local.get $act) (i32.const 3))
      (then (return
        ;; max(x, 0) + slope * min(x, 0)
        (f32x4.add
          (f32x4.max (local.get $v) (local.get $zero))
          (f32x4.mul (f32x4.splat (local.get $slope)) (f32x4.min (local.get $v) (local.get $zero)))))))
    ;; hardsigmoid(x) = relu6(x + 3) / 6; hardswish(x) = x * hardsigmoid(x). The clamp is
    ;; pmax/pmin (V8 spends seven or eight instructions on max/min for their NaN and -0 rules):
    ;; the same bits here, since x + 3 is never -0 and a NaN stays a NaN either way.
    (if (i32.eq (local.get $act) (i32.const 4)) (then (return (@hardsigmoid (local.get $v)))))
    (@hardswish (local.get $v)))

  ;; store_lanes: stores the first $n lanes (1 to 8) of $a then $b at $at.
  (func $store_lanes (param $at i32) (param $a v128) (param $b v128) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 8))
      (then
        (v128.store (local.get $at) (local.get $a))
        (v128.store offset=16 (local.get $at) (local.get $b))
        (return)))
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then
        (v128.store (local.get $at) (local.get $a))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (local.set $a (local.get $b))))
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then (v128.store (local.get $at) (local.get $a)) (return)))
    (if (i32.gt_u (local.get $n) (i32.const 0))
      (then (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $a)))))
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (f32.store offset=4 (local.get $at) (f32x4.extract_lane 1 (local.get $a)))))
    (if (i32.gt_u (local.get $n) (i32.const 2))
      (then (f32.store offset=8 (local.get $at) (f32x4.extract_lane 2 (local.get $a))))))

  ;; is_deferred: whether the kernels leave activation $act to `activate` over each output row,
  ;; storing the sums as they are: leaky relu (3), hardsigmoid (4), sigmoid, silu and tanh (6 to
  ;; 8), which a call of $activate per vector would cost more than the kernels' arithmetic (V8
  ;; spills their live vectors around it). relu, relu6 and none are a clamp, hardswish is
  ;; written out.
  (func $is_deferred (param $act i32) (result i32)
    (i32.or (i32.ge_u (local.get $act) (i32.const 6)) (i32.le_u (i32.sub (local.get $act) (i32.const 3)) (i32.const 1))))

  ;; store_activated: act(v), its first $n lanes (1 to 4) stored at $at.
  (func $store_activated (param $at i32) (param $v v128) (param $n i32) (param $act i32) (param $slope f32)
    (local.set $v (call $activate (local.get $v) (local.get $act) (local.get $slope)))
    (call $store_lanes (local.get $at) (local.get $v) (local.get $v) (local.get $n)))

  ;; store_row: the epilogue of a row of 8 outputs: activation (relu, relu6 and none as a clamp
  ;; between $lo and $hi, the others through $activate), then the first $n lanes stored.
  (func $store_row (param $at i32) (param $a v128) (param $b v128) (param $n i32)
    (param $clamp i32) (param $lo v128) (param $hi v128) (param $act i32) (param $slope f32)
    (if (local.get $clamp)
      (then
        (local.set $a (f32x4.min (f32x4.max (local.get $a) (local.get $lo)) (local.get $hi)))
        (local.set $b (f32x4.min (f32x4.max (local.get $b) (local.get $lo)) (local.get $hi))))
      (else
        (local.set $a (call $activate (local.get $a) (local.get $act) (local.get $slope)))
        (local.set $b (call $activate (local.get $b) (local.get $act) (local.get $slope)))))
    (if (i32.ge_u (local.get $n) (i32.const 8))
      (then
        (v128.store (local.get $at) (local.get $a))
        (v128.store offset=16 (local.get $at) (local.get $b)))
      (else (call $store_lanes (local.get $at) (local.get $a) (local.get $b) (local.get $n)))))

  ;; ---------------------------------------------------------------------------------------
  ;; activate: out[i] = act(x[i]) for i < length (floats), for activations the other kernels
  ;; could not take; out may be x. Sigmoid and silu go two vectors at a time, $sigmoid written
  ;; out on each (`(@sigmoid_lanes 2 silu)`, tools/build-runtime.ts: the same bits), which keeps
  ;; two of its long chains in flight: sigmoid 1.44x and silu 1.46x faster than a call of
  ;; $sigmoid per vector; three or four at a time were no faster. The form takes the arm of
  ;; $sigmoid's silu test that it names, so that the two vectors' work is one basic block for
  ;; TurboFan to interleave (with the test's branch in it, each vector's chain was scheduled
  ;; whole, one after the other: sigmoid 1.17x and silu 1.06x slower). A last vector calls
  ;; $sigmoid directly (through $activate's dispatch, a call more per vector, it took 5%
  ;; longer); a tail of 1 to 3 floats goes through $activate.
  (func $activate_all (export "activate") (param $x i32) (param $out i32) (param $length i32) (param $act i32) (param $slope f32)
    (local $end i32) (local $v v128) (local $slope_v v128) (local $silu i32) (@sigmoid_lanes_locals 2)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $length) (i32.const -4)) (i32.const 2))))
    (if (i32.eq (i32.and (local.get $act) (i32.const -2)) (i32.const 6))
      (then
        (local.set $silu (i32.eq (local.get $act) (i32.const 7)))
        (block $done (loop $vectors
          (if (i32.le_u (i32.add (local.get $x) (i32.const 32)) (local.get $end))
            (then
              (if (local.get $silu) (then (@sigmoid_lanes 2 silu)) (else (@sigmoid_lanes 2 sigmoid)))
              (local.set $x (i32.add (local.get $x) (i32.const 32)))
              (local.set $out (i32.add (local.get $out) (i32.const 32)))
              (br $vectors)))
          (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
          (v128.store (local.get $out) (call $sigmoid (v128.load (local.get $x)) (local.get $silu)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $vectors))))
      (else
        ;; Standalone relu and relu6 steps (Xception's) written out as $activate computes them
        ;; (max, then min for relu6), without a call per vector: 4.5x and 2.5x faster on a row
        ;; in the L1; leaky relu, hardsigmoid and hardswish too (the other kernels leave theirs
        ;; to this pass, as they do sigmoid's); tanh through $activate. (@each_vector EXPR) is
        ;; the loop over the row's vectors, each in $v (tools/build-runtime.ts).
        (block $by_code
          (if (i32.eq (local.get $act) (i32.const 1))
            (then (@each_vector (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0))) (br $by_code)))
          (if (i32.eq (local.get $act) (i32.const 2))
            (then (@each_vector (f32x4.min (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 6 6 6 6))) (br $by_code)))
          (if (i32.eq (local.get $act) (i32.const 3))
            (then
              (local.set $slope_v (f32x4.splat (local.get $slope)))
              (@each_vector (f32x4.add (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.mul (local.get $slope_v) (f32x4.min (local.get $v) (v128.const f32x4 0 0 0 0)))))
              (br $by_code)))
          (if (i32.eq (local.get $act) (i32.const 4))
            (then (@each_vector (@hardsigmoid (local.get $v))) (br $by_code)))
          (if (i32.eq (local.get $act) (i32.const 5))
            (then (@each_vector (@hardswish (local.get $v))) (br $by_code)))
          (@each_vector (call $activate (local.get $v) (local.get $act) (local.get $slope))))))
    (if (i32.and (local.get $length) (i32.const 3))
      (then
        (local.set $v (call $activate (v128.load (local.get $x)) (local.get $act) (local.get $slope)))
        (call $store_lanes (local.get $out) (local.get $v) (local.get $v) (i32.and (local.get $length) (i32.const 3))))))

  ;; ---------------------------------------------------------------------------------------
  ;; gemm: out[p, c] = act(bias[c] + sum_k x[p, k] * w[k, c]) for p < P, c < CO.
  ;;
  ;; The matrix product behind pointwise convolutions, fully connected layers and (after
  ;; im2col) standard convolutions. x has P rows of K floats, $ldx bytes apart; out has P rows
  ;; $ldo bytes apart. w is packed in panels of 16 output columns, each K x 16 floats, so the
  ;; inner loop reads 16 consecutive weights; bias has the same 16-column padding.
  ;;
  ;; Register blocking: 2 rows x 16 columns of accumulators (8 vectors); each step of k loads
  ;; four weight vectors and splats one value of each row (measured faster here than 4 x 8 or
  ;; 4 x 12, which run out of registers). Rows are taken in chunks of 64 so that a chunk of x
  ;; stays in cache while every weight panel passes over it.
  (func (export "gemm")
    (param $x i32) (param $ldx i32) (param $w i32) (param $bias i32) (param $out i32) (param $ldo i32)
    (param $P i32) (param $K i32) (param $CO i32) (param $act i32) (param $slope f32)
    (local $p0 i32) (local $pend i32) (local $p i32) (local $j i32) (local $panels i32)
    (local $panel i32) (local $kb i32) (local $ncols i32) (local $wi i32) (local $o i32) (local $q i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128) (local $hardswish i32) (local $deferred i32) (local $stored_act i32) (local $row i32)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    (local.set $hardswish (i32.eq (local.get $act) (i32.const 5)))
    ;; Leaky relu, hardsigmoid, sigmoid, silu and tanh (the deferred activations): the sums
    ;; stored as they are (pmax/pmin against ±inf on whole panels, $store_row with no
    ;; activation elsewhere: every bit kept, a NaN's too), then activate over each row of a
    ;; chunk, since a call of $activate per vector here, with the accumulators live, cost V8
    ;; their spills (the same function on the same values: the same bits).
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    (local.set $deferred (call $is_deferred (local.get $act)))
    (local.set $stored_act (select (i32.const 0) (local.get $act) (local.get $deferred)))
    (if (local.get $deferred)
      (then
        (local.set $lo_v (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $hi_v (v128.const f32x4 inf inf inf inf))))
    (local.set $panels (i32.shr_u (i32.add (local.get $CO) (i32.const 15)) (i32.const 4)))
    (local.set $kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $p0 (i32.const 0))
    (block $chunks_done (loop $chunks
      (br_if $chunks_done (i32.ge_u (local.get $p0) (local.get $P)))
      (local.set $pend (i32.add (local.get $p0) (i32.const 64)))
      (if (i32.gt_u (local.get $pend) (local.get $P)) (then (local.set $pend (local.get $P))))
      (local.set $j (i32.const 0))
      (block $panels_done (loop $panel_loop
        (br_if $panels_done (i32.ge_u (local.get $j) (local.get $panels)))
        (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $j) (i32.shl (local.get $kb) (i32.const 4)))))
        (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
        (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
        (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
        (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
        (local.set $ncols (i32.sub (local.get $CO) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $p (local.get $p0))
        ;; A panel of 8 columns or fewer (the last of N = 24 or 40, whose other 8 columns are
        ;; packing's zeros): four rows at a time over its first 8 columns, where the two-row
        ;; path spends half its products on the zeros. The same sums in the same order.
        (if (i32.le_s (local.get $ncols) (i32.const 8))
          (then
            (block $quads_done (loop $quads
              (br_if $quads_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $pend)))
              (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $ldx))))
              (local.set $x1 (i32.add (local.get $x0) (local.get $ldx)))
              (local.set $x2 (i32.add (local.get $x1) (local.get $ldx)))
              (local.set $x3 (i32.add (local.get $x2) (local.get $ldx)))
              (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0)) (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
              (local.set $c0 (v128.const f32x4 0 0 0 0)) (local.set $c1 (v128.const f32x4 0 0 0 0)) (local.set $c2 (v128.const f32x4 0 0 0 0)) (local.set $c3 (v128.const f32x4 0 0 0 0))
              (local.set $wi (local.get $panel))
              (local.set $o (i32.const 0))
              (block $k4_done (loop $k4_loop
                (br_if $k4_done (i32.ge_u (local.get $o) (local.get $kb)))
                (local.set $w0 (v128.load (local.get $wi)))
                (local.set $w1 (v128.load offset=16 (local.get $wi)))
                (local.set $v (v128.load32_splat (i32.add (local.get $x0) (local.get $o))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $x1) (local.get $o))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $x2) (local.get $o))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $x3) (local.get $o))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $wi (i32.add (local.get $wi) (i32.const 64)))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $k4_loop)))
              (local.set $q (i32.add (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $ldo))) (i32.shl (local.get $j) (i32.const 6))))
              (if (i32.and (i32.or (local.get $clamp) (local.get $deferred)) (i32.eq (local.get $ncols) (i32.const 8)))
                (then
                  ;; Eight whole columns under a clamp, as the two-row path stores sixteen.
                  (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
                  (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v)))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
                  (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v)))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c0) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
                  (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c1) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v)))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c2) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
                  (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c3) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v))))
                (else
                  (call $store_row (local.get $q)
                    (f32x4.add (local.get $a0) (local.get $b0)) (f32x4.add (local.get $a1) (local.get $b1))
                    (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (call $store_row (local.get $q)
                    (f32x4.add (local.get $a2) (local.get $b0)) (f32x4.add (local.get $a3) (local.get $b1))
                    (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (call $store_row (local.get $q)
                    (f32x4.add (local.get $c0) (local.get $b0)) (f32x4.add (local.get $c1) (local.get $b1))
                    (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
                  (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                  (call $store_row (local.get $q)
                    (f32x4.add (local.get $c2) (local.get $b0)) (f32x4.add (local.get $c3) (local.get $b1))
                    (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $quads)))))
        ;; Two rows at a time.
        (block $pairs_done (loop $pairs
          (br_if $pairs_done (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $pend)))
          (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $ldx))))
          (local.set $x1 (i32.add (local.get $x0) (local.get $ldx)))
          (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0)) (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
          (local.set $c0 (v128.const f32x4 0 0 0 0)) (local.set $c1 (v128.const f32x4 0 0 0 0)) (local.set $c2 (v128.const f32x4 0 0 0 0)) (local.set $c3 (v128.const f32x4 0 0 0 0))
          (local.set $wi (local.get $panel))
          (local.set $o (i32.const 0))
          (block $k_done (loop $k_loop
            (br_if $k_done (i32.ge_u (local.get $o) (local.get $kb)))
            (local.set $w0 (v128.load (local.get $wi)))
            (local.set $w1 (v128.load offset=16 (local.get $wi)))
            (local.set $w2 (v128.load offset=32 (local.get $wi)))
            (local.set $w3 (v128.load offset=48 (local.get $wi)))
            (local.set $v (v128.load32_splat (i32.add (local.get $x0) (local.get $o))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
            (local.set $v (v128.load32_splat (i32.add (local.get $x1) (local.get $o))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $v) (local.get $w0))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $v) (local.get $w1))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $v) (local.get $w2))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $v) (local.get $w3))))
            (local.set $wi (i32.add (local.get $wi) (i32.const 64)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $k_loop)))
          (local.set $q (i32.add (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $ldo))) (i32.shl (local.get $j) (i32.const 6))))
          (if (i32.and (i32.or (local.get $clamp) (local.get $deferred)) (i32.ge_s (local.get $ncols) (i32.const 16)))
            (then
              ;; The common case (relu, relu6 or none, a whole panel; or a deferred activation's
              ;; sums, through a clamp to ±inf) stored here: four calls of $store_row cost as
              ;; much as a dozen steps of k, and pointwise layers of MobileNetV2 have K = 16 to
              ;; 32. The clamp is pmax/pmin, one instruction each
              ;; where V8 expands max/min to seven or eight for their NaN and -0 rules: they
              ;; agree here, since a sum begun at +0 is never -0 and a NaN stays a NaN. (In
              ;; the relaxed build a fused multiply-add can round a tiny negative sum to -0,
              ;; which relu then keeps: that build's bits are its own anyway.)
              (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=32 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $b2)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=48 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $b3)) (local.get $lo_v)) (local.get $hi_v)))
              (local.set $q (i32.add (local.get $q) (local.get $ldo)))
              (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c0) (local.get $b0)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c1) (local.get $b1)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=32 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c2) (local.get $b2)) (local.get $lo_v)) (local.get $hi_v)))
              (v128.store offset=48 (local.get $q) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c3) (local.get $b3)) (local.get $lo_v)) (local.get $hi_v))))
            (else
          (if (i32.and (local.get $hardswish) (i32.ge_s (local.get $ncols) (i32.const 16)))
            (then
              ;; hardswish over a whole panel, as $activate computes it: the calls of
              ;; $store_row (each of $activate) cost as much as the k loop of a narrow layer.
              (local.set $v (f32x4.add (local.get $a0) (local.get $b0)))
              (v128.store (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $a1) (local.get $b1)))
              (v128.store offset=16 (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $a2) (local.get $b2)))
              (v128.store offset=32 (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $a3) (local.get $b3)))
              (v128.store offset=48 (local.get $q) (@hardswish (local.get $v)))
              (local.set $q (i32.add (local.get $q) (local.get $ldo)))
              (local.set $v (f32x4.add (local.get $c0) (local.get $b0)))
              (v128.store (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $c1) (local.get $b1)))
              (v128.store offset=16 (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $c2) (local.get $b2)))
              (v128.store offset=32 (local.get $q) (@hardswish (local.get $v)))
              (local.set $v (f32x4.add (local.get $c3) (local.get $b3)))
              (v128.store offset=48 (local.get $q) (@hardswish (local.get $v))))
            (else
          (call $store_row (local.get $q)
            (f32x4.add (local.get $a0) (local.get $b0)) (f32x4.add (local.get $a1) (local.get $b1))
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (local.get $q) (i32.const 32))
              (f32x4.add (local.get $a2) (local.get $b2)) (f32x4.add (local.get $a3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))
          (call $store_row (i32.add (local.get $q) (local.get $ldo))
            (f32x4.add (local.get $c0) (local.get $b0)) (f32x4.add (local.get $c1) (local.get $b1))
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (i32.add (local.get $q) (local.get $ldo)) (i32.const 32))
              (f32x4.add (local.get $c2) (local.get $b2)) (f32x4.add (local.get $c3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))))))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br $pairs)))
        ;; The last row when the chunk has an odd count.
        (if (i32.lt_u (local.get $p) (local.get $pend))
          (then
            (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $ldx))))
            (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0)) (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
            (local.set $wi (local.get $panel))
            (local.set $o (i32.const 0))
            (block $k1_done (loop $k1_loop
              (br_if $k1_done (i32.ge_u (local.get $o) (local.get $kb)))
            (local.set $w0 (v128.load (local.get $wi)))
            (local.set $w1 (v128.load offset=16 (local.get $wi)))
            (local.set $w2 (v128.load offset=32 (local.get $wi)))
            (local.set $w3 (v128.load offset=48 (local.get $wi)))
            (local.set $v (v128.load32_splat (i32.add (local.get $x0) (local.get $o))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
              (local.set $wi (i32.add (local.get $wi) (i32.const 64)))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (br $k1_loop)))
            (local.set $q (i32.add (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $ldo))) (i32.shl (local.get $j) (i32.const 6))))
            (call $store_row (local.get $q)
            (f32x4.add (local.get $a0) (local.get $b0)) (f32x4.add (local.get $a1) (local.get $b1))
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (local.get $q) (i32.const 32))
              (f32x4.add (local.get $a2) (local.get $b2)) (f32x4.add (local.get $a3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $panel_loop)))
      (if (local.get $deferred)
        (then
          (local.set $row (local.get $p0))
          (loop $activate_rows
            (local.set $q (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $ldo))))
            (call $activate_all (local.get $q) (local.get $q) (local.get $CO) (local.get $act) (local.get $slope))
            (br_if $activate_rows (i32.lt_u (local.tee $row (i32.add (local.get $row) (i32.const 1))) (local.get $pend))))))
      (local.set $p0 (local.get $pend))
      (br $chunks)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; depthwise: one KHxKW filter per channel (depth multiplier 1), NHWC, four channels per
  ;; vector. w is [KH][KW][Cp] and bias [Cp], Cp = C rounded up to a multiple of 4, zero padded.
  ;;
  ;; Output pixels whose window lies inside the input (the interior) take a path without any
  ;; bounds check, sixteen channels at a time where they are whole: four vectors' chains of
  ;; multiply-adds in flight, where one alone waits on each add's latency (7x7 filters 1.15x to
  ;; 1.4x faster: their seven input rows come from the L2); the border path tests each tap. Every channel's sum is the bias, then the
  ;; taps row by row, whichever path takes it, so the other depthwise kernels, which keep that
  ;; order, give the same bits. Only output rows [$oy0, $oy1) of each sample are computed (all
  ;; of them: 0 and OH), so that threads can split a step by rows; the other depthwise kernels
  ;; take the same range.
  (func (export "depthwise")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $KH i32) (param $KW i32) (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $act i32) (param $slope f32)
    (param $oy0 i32) (param $oy1 i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32)
    (local $iy i32) (local $ix i32) (local $ky i32) (local $kx i32)
    (local $rows_inside i32) (local $pix i32) (local $row i32) (local $tap i32)
    (local $cb i32) (local $cbytes i32) (local $obase i32) (local $ibase i32)
    (local $rp i32) (local $ip i32) (local $wt i32) (local $dxb i32) (local $dyb i32)
    (local $acc v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $row (i32.mul (local.get $W) (local.get $pix)))
    (local.set $tap (i32.shl (i32.and (i32.add (local.get $C) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $cbytes (local.get $pix))
    (local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
    (local.set $dyb (i32.mul (local.get $DH) (local.get $row)))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $oy (local.get $oy0))
      (block $oy_done (loop $oy_loop
        (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
        (local.set $obase
          (i32.add (local.get $out)
            (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix))))
        (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
        (local.set $rows_inside
          (i32.and
            (i32.ge_s (local.get $iy0) (i32.const 0))
            (i32.lt_s
              (i32.add (local.get $iy0) (i32.mul (i32.sub (local.get $KH) (i32.const 1)) (local.get $DH)))
              (local.get $H))))
        (local.set $ox (i32.const 0))
        (block $ox_done (loop $ox_loop
          (br_if $ox_done (i32.ge_u (local.get $ox) (local.get $OW)))
          (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
          (if
            (i32.and
              (local.get $rows_inside)
              (i32.and
                (i32.ge_s (local.get $ix0) (i32.const 0))
                (i32.lt_s
                  (i32.add (local.get $ix0) (i32.mul (i32.sub (local.get $KW) (i32.const 1)) (local.get $DW)))
                  (local.get $W))))
            (then
              ;; Interior: every tap is inside the input.
              (local.set $ibase
                (i32.add (local.get $x)
                  (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy0)) (local.get $row))
                    (i32.mul (local.get $ix0) (local.get $pix)))))
              (local.set $cb (i32.const 0))
              (block $c_done (loop $c_loop
                (br_if $c_done (i32.ge_u (local.get $cb) (local.get $cbytes)))
                (if (i32.le_u (i32.add (local.get $cb) (i32.const 64)) (local.get $cbytes))
                  (then
                    ;; Sixteen channels: four chains, the same order of taps in each.
                    (local.set $acc (v128.load (i32.add (local.get $bias) (local.get $cb))))
                    (local.set $acc1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb))))
                    (local.set $acc2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb))))
                    (local.set $acc3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                    (local.set $wt (i32.add (local.get $w) (local.get $cb)))
                    (local.set $rp (i32.add (local.get $ibase) (local.get $cb)))
                    (local.set $ky (local.get $KH))
                    (loop $ky16_loop
                      (local.set $ip (local.get $rp))
                      (local.set $kx (local.get $KW))
                      (loop $kx16_loop
                        (local.set $acc (f32x4.add (local.get $acc)
                          (f32x4.mul (v128.load (local.get $ip)) (v128.load (local.get $wt)))))
                        (local.set $acc1 (f32x4.add (local.get $acc1)
                          (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (local.get $wt)))))
                        (local.set $acc2 (f32x4.add (local.get $acc2)
                          (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (local.get $wt)))))
                        (local.set $acc3 (f32x4.add (local.get $acc3)
                          (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (local.get $wt)))))
                        (local.set $ip (i32.add (local.get $ip) (local.get $dxb)))
                        (local.set $wt (i32.add (local.get $wt) (local.get $tap)))
                        (br_if $kx16_loop (local.tee $kx (i32.sub (local.get $kx) (i32.const 1)))))
                      (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                      (br_if $ky16_loop (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                    (local.set $ip (i32.add (local.get $obase) (local.get $cb)))
                    (v128.store (local.get $ip) (call $activate (local.get $acc) (local.get $act) (local.get $slope)))
                    (v128.store offset=16 (local.get $ip) (call $activate (local.get $acc1) (local.get $act) (local.get $slope)))
                    (v128.store offset=32 (local.get $ip) (call $activate (local.get $acc2) (local.get $act) (local.get $slope)))
                    (v128.store offset=48 (local.get $ip) (call $activate (local.get $acc3) (local.get $act) (local.get $slope)))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
                    (br $c_loop)))
                (local.set $acc (v128.load (i32.add (local.get $bias) (local.get $cb))))
                (local.set $wt (i32.add (local.get $w) (local.get $cb)))
                (local.set $rp (i32.add (local.get $ibase) (local.get $cb)))
                (local.set $ky (local.get $KH))
                (loop $ky_loop
                  (local.set $ip (local.get $rp))
                  (local.set $kx (local.get $KW))
                  (loop $kx_loop
                    (local.set $acc
                      (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (local.get $ip)) (v128.load (local.get $wt)))))
                    (local.set $ip (i32.add (local.get $ip) (local.get $dxb)))
                    (local.set $wt (i32.add (local.get $wt) (local.get $tap)))
                    (br_if $kx_loop (local.tee $kx (i32.sub (local.get $kx) (i32.const 1)))))
                  (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                  (br_if $ky_loop (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                (call $store_lanes
                  (i32.add (local.get $obase) (local.get $cb))
                  (call $activate (local.get $acc) (local.get $act) (local.get $slope))
                  (local.get $acc)
                  (select (i32.const 4) (i32.shr_u (i32.sub (local.get $cbytes) (local.get $cb)) (i32.const 2))
                    (i32.ge_u (i32.sub (local.get $cbytes) (local.get $cb)) (i32.const 16))))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $c_loop))))
            (else
              ;; Border: skip the taps that fall in the padding.
              (local.set $cb (i32.const 0))
              (block $bc_done (loop $bc_loop
                (br_if $bc_done (i32.ge_u (local.get $cb) (local.get $cbytes)))
                (local.set $acc (v128.load (i32.add (local.get $bias) (local.get $cb))))
                (local.set $wt (i32.add (local.get $w) (local.get $cb)))
                (local.set $ky (i32.const 0))
                (block $bky_done (loop $bky_loop
                  (br_if $bky_done (i32.ge_u (local.get $ky) (local.get $KH)))
                  (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $ky) (local.get $DH))))
                  (local.set $kx (i32.const 0))
                  (block $bkx_done (loop $bkx_loop
                    (br_if $bkx_done (i32.ge_u (local.get $kx) (local.get $KW)))
                    (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (local.get $DW))))
                    (if
                      (i32.and
                        (i32.lt_u (local.get $iy) (local.get $H))
                        (i32.lt_u (local.get $ix) (local.get $W)))
                      (then
                        (local.set $acc
                          (f32x4.add (local.get $acc)
                            (f32x4.mul
                              (v128.load
                                (i32.add (local.get $x)
                                  (i32.add
                                    (i32.add
                                      (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $row))
                                      (i32.mul (local.get $ix) (local.get $pix)))
                                    (local.get $cb))))
                              (v128.load (local.get $wt)))))))
                    (local.set $wt (i32.add (local.get $wt) (local.get $tap)))
                    (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                    (br $bkx_loop)))
                  (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                  (br $bky_loop)))
                (call $store_lanes
                  (i32.add (local.get $obase) (local.get $cb))
                  (call $activate (local.get $acc) (local.get $act) (local.get $slope))
                  (local.get $acc)
                  (select (i32.const 4) (i32.shr_u (i32.sub (local.get $cbytes) (local.get $cb)) (i32.const 2))
                    (i32.ge_u (i32.sub (local.get $cbytes) (local.get $cb)) (i32.const 16))))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $bc_loop)))))
          (local.set $obase (i32.add (local.get $obase) (local.get $pix)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $ox_loop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; im2col: for output pixels [$p0, $p0 + $rows) of sample $n, writes one row per pixel of
  ;; KH·KW·$cg floats — channels [$c0, $c0 + $cg) of each tap in (ky, kx) order, zeros where the
  ;; tap falls in the padding — so that a standard convolution becomes a gemm.
  (func (export "im2col")
    (param $x i32) (param $out i32) (param $n i32)
    (param $H i32) (param $W i32) (param $C i32) (param $OW i32)
    (param $KH i32) (param $KW i32) (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $p0 i32) (param $rows i32) (param $c0 i32) (param $cg i32)
    (local $p i32) (local $pend i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32)
    (local $iy i32) (local $ix i32) (local $bytes i32) (local $base i32)
    (local.set $bytes (i32.shl (local.get $cg) (i32.const 2)))
    (local.set $base (i32.add (local.get $x) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $p (local.get $p0))
    (local.set $pend (i32.add (local.get $p0) (local.get $rows)))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $pend)))
      (local.set $oy (i32.div_u (local.get $p) (local.get $OW)))
      (local.set $ox (i32.sub (local.get $p) (i32.mul (local.get $oy) (local.get $OW))))
      (local.set $ky (i32.const 0))
      (block $ky_done (loop $ky_loop
        (br_if $ky_done (i32.ge_u (local.get $ky) (local.get $KH)))
        (local.set $iy
          (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT))
            (i32.mul (local.get $ky) (local.get $DH))))
        (local.set $kx (i32.const 0))
        (block $kx_done (loop $kx_loop
          (br_if $kx_done (i32.ge_u (local.get $kx) (local.get $KW)))
          (local.set $ix
            (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL))
              (i32.mul (local.get $kx) (local.get $DW))))
          (if (i32.and (i32.lt_u (local.get $iy) (local.get $H)) (i32.lt_u (local.get $ix) (local.get $W)))
            (then
              (memory.copy (local.get $out)
                (i32.add (local.get $base)
                  (i32.shl
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W))
                        (local.get $ix))
                      (local.get $C))
                    (i32.const 2)))
                (local.get $bytes)))
            (else (memory.fill (local.get $out) (i32.const 0) (local.get $bytes))))
          (local.set $out (i32.add (local.get $out) (local.get $bytes)))
          (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
          (br $kx_loop)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $ky_loop)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; conv_direct: a standard convolution (one group) with few input channels, such as a
  ;; network's first layer on RGB, without im2col: the weights are gemm's panels (16 output
  ;; channels, K = KH·KW·C rows in (ky, kx, c) order) and each tap's input value is splat from
  ;; the image itself, two output pixels by 16 channels of accumulators at a time. A tap in the
  ;; padding reads a zero (from x instead, then masked), so the loop has no branch per tap.
  ;; Output rows [$oy0, $oy1) of every sample, as the depthwise kernels.
  (func (export "conv_direct")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $KH i32) (param $KW i32) (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $CO i32) (param $act i32) (param $slope f32)
    (param $oy0 i32) (param $oy1 i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $j i32) (local $panels i32) (local $panel i32)
    (local $ky i32) (local $kx i32) (local $c i32) (local $iy i32) (local $ix0 i32) (local $ix1 i32)
    (local $ok0 i32) (local $ok1 i32) (local $p0 i32) (local $p1 i32) (local $wp i32) (local $q i32)
    (local $pix i32) (local $rowb i32) (local $plane i32) (local $ldo i32) (local $ncols i32) (local $two i32)
    (local $yok i32) (local $q0 i32) (local $q1 i32) (local $sxb i32) (local $dxb i32)
    (local $dense i32) (local $span i32) (local $rows_inside i32)
    (local $m0 v128) (local $m1 v128) (local $v v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128) (local $no_neg_zero i32) (local $deferred i32) (local $stored_act i32) (local $hardswish i32)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    ;; The deferred activations (leaky relu, hardsigmoid, sigmoid, silu, tanh): the sums stored
    ;; as they are, then activate over each output row, as in gemm (the same bits).
    (local.set $hardswish (i32.eq (local.get $act) (i32.const 5)))
    (local.set $deferred (call $is_deferred (local.get $act)))
    (local.set $stored_act (select (i32.const 0) (local.get $act) (local.get $deferred)))
    (if (local.get $deferred)
      (then
        (local.set $lo_v (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $hi_v (v128.const f32x4 inf inf inf inf))))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $W) (local.get $pix)))
    (local.set $ldo (i32.shl (local.get $CO) (i32.const 2)))
    (local.set $sxb (i32.mul (local.get $SW) (local.get $pix)))
    (local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
    (local.set $panels (i32.shr_u (i32.add (local.get $CO) (i32.const 15)) (i32.const 4)))
    (local.set $dense (i32.eq (local.get $DW) (i32.const 1)))
    (local.set $span (i32.mul (local.get $KW) (local.get $C)))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $plane (i32.add (local.get $x) (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $rowb))))
      (local.set $oy (local.get $oy0))
      (block $oy_done (loop $oy_loop
        (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
        (local.set $rows_inside
          (i32.and (i32.ge_s (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)) (i32.const 0))
            (i32.lt_s
              (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)) (i32.mul (i32.sub (local.get $KH) (i32.const 1)) (local.get $DH)))
              (local.get $H))))
        (local.set $j (i32.const 0))
        (block $panels_done (loop $panel_loop
          (br_if $panels_done (i32.ge_u (local.get $j) (local.get $panels)))
          (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $j) (i32.mul (i32.mul (i32.mul (local.get $KH) (local.get $KW)) (local.get $C)) (i32.const 64)))))
          (local.set $ncols (i32.sub (local.get $CO) (i32.shl (local.get $j) (i32.const 4))))
          ;; Sums start at the bias, so only a -0 in it can make a -0 output, which pmax would
          ;; keep and max not: a panel whose bias has one stores through $store_row.
          (local.set $q (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6))))
          (local.set $no_neg_zero
            (i32.eqz (v128.any_true
              (v128.or
                (v128.or
                  (i32x4.eq (v128.load (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                  (i32x4.eq (v128.load offset=16 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
                (v128.or
                  (i32x4.eq (v128.load offset=32 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                  (i32x4.eq (v128.load offset=48 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))))))
          (local.set $ox (i32.const 0))
          (block $ox_done (loop $ox_loop
            (br_if $ox_done (i32.ge_u (local.get $ox) (local.get $OW)))
            ;; Outputs ox and ox + 1 (when there is one).
            (local.set $two (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $OW)))
            (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
            (local.set $a2 (v128.load offset=32 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
            (local.set $a3 (v128.load offset=48 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 6)))))
            (local.set $c0 (local.get $a0)) (local.set $c1 (local.get $a1)) (local.set $c2 (local.get $a2)) (local.set $c3 (local.get $a3))
            (local.set $wp (local.get $panel))
            (local.set $iy (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
            (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
            (local.set $ky (local.get $KH))
            (if (i32.and (i32.and (local.get $dense) (local.get $rows_inside))
                  (i32.and (i32.ge_s (local.get $ix0) (i32.const 0))
                    (i32.lt_s (i32.add (i32.add (local.get $ix0) (local.get $SW)) (i32.sub (local.get $KW) (i32.const 1))) (local.get $W))))
              (then
                ;; Both windows inside the input, taps one pixel apart: a filter row is KW·C
                ;; consecutive floats of the input and of the panel, a loop like gemm's.
                (loop $dense_rows
                  (local.set $q0 (i32.add (i32.add (local.get $plane) (i32.mul (local.get $iy) (local.get $rowb))) (i32.mul (local.get $ix0) (local.get $pix))))
                  (local.set $q1 (i32.add (local.get $q0) (local.get $sxb)))
                  (local.set $c (local.get $span))
                  (loop $dense_k
                    (local.set $w0 (v128.load (local.get $wp)))
                    (local.set $w1 (v128.load offset=16 (local.get $wp)))
                    (local.set $w2 (v128.load offset=32 (local.get $wp)))
                    (local.set $w3 (v128.load offset=48 (local.get $wp)))
                    (local.set $v (v128.load32_splat (local.get $q0)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                    (local.set $v (v128.load32_splat (local.get $q1)))
                    (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $v) (local.get $w0))))
                    (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $v) (local.get $w1))))
                    (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $v) (local.get $w2))))
                    (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $v) (local.get $w3))))
                    (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
                    (local.set $q0 (i32.add (local.get $q0) (i32.const 4)))
                    (local.set $q1 (i32.add (local.get $q1) (i32.const 4)))
                    (br_if $dense_k (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
                  (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                  (br_if $dense_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                (local.set $ky (i32.const 0))))
            (if (local.get $ky) (then
            (loop $ky_loop
              (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
              (local.set $ix1 (i32.add (local.get $ix0) (local.get $SW)))
              (local.set $yok (i32.lt_u (local.get $iy) (local.get $H)))
              (local.set $p0 (i32.add (i32.add (local.get $plane) (i32.mul (local.get $iy) (local.get $rowb))) (i32.mul (local.get $ix0) (local.get $pix))))
              (local.set $p1 (i32.add (local.get $p0) (local.get $sxb)))
              (local.set $kx (local.get $KW))
              (loop $kx_loop
                (local.set $ok0 (i32.and (local.get $yok) (i32.lt_u (local.get $ix0) (local.get $W))))
                (local.set $ok1 (i32.and (i32.and (local.get $yok) (i32.lt_u (local.get $ix1) (local.get $W))) (local.get $two)))
                (local.set $q0 (select (local.get $p0) (local.get $x) (local.get $ok0)))
                (local.set $q1 (select (local.get $p1) (local.get $x) (local.get $ok1)))
                (local.set $m0 (i32x4.splat (i32.sub (i32.const 0) (local.get $ok0))))
                (local.set $m1 (i32x4.splat (i32.sub (i32.const 0) (local.get $ok1))))
                (local.set $c (local.get $C))
                (loop $c_loop
                  (local.set $w0 (v128.load (local.get $wp)))
                  (local.set $w1 (v128.load offset=16 (local.get $wp)))
                  (local.set $w2 (v128.load offset=32 (local.get $wp)))
                  (local.set $w3 (v128.load offset=48 (local.get $wp)))
                  (local.set $v (v128.and (v128.load32_splat (local.get $q0)) (local.get $m0)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                  (local.set $v (v128.and (v128.load32_splat (local.get $q1)) (local.get $m1)))
                  (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $v) (local.get $w0))))
                  (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $v) (local.get $w1))))
                  (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $v) (local.get $w2))))
                  (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $v) (local.get $w3))))
                  (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
                  (local.set $q0 (i32.add (local.get $q0) (i32.const 4)))
                  (local.set $q1 (i32.add (local.get $q1) (i32.const 4)))
                  (br_if $c_loop (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
                (local.set $ix0 (i32.add (local.get $ix0) (local.get $DW)))
                (local.set $ix1 (i32.add (local.get $ix1) (local.get $DW)))
                (local.set $p0 (i32.add (local.get $p0) (local.get $dxb)))
                (local.set $p1 (i32.add (local.get $p1) (local.get $dxb)))
                (br_if $kx_loop (local.tee $kx (i32.sub (local.get $kx) (i32.const 1)))))
              (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
              (br_if $ky_loop (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))))
            (local.set $q
              (i32.add (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 6)))
                (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $ox)) (local.get $ldo))))
            (if (i32.and (i32.and (i32.and (i32.or (local.get $clamp) (local.get $deferred)) (local.get $two)) (i32.ge_s (local.get $ncols) (i32.const 16)))
                  (local.get $no_neg_zero))
              (then
                ;; The common case (relu, relu6 or none, or a deferred activation's sums through a
                ;; clamp to ±inf; both outputs; a whole panel) stored here: four calls of
                ;; $store_row cost as much as the 27 multiply-add steps of a first layer's 3x3x3
                ;; filter. pmax/pmin, one instruction each where V8
                ;; expands max/min to seven or eight, agree with them but for -0 (see above;
                ;; the relaxed build's fused multiply-adds can make a -0 too, and its bits are
                ;; its own anyway).
                (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=32 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=48 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $c0) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $c1) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=32 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $c2) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=48 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $c3) (local.get $lo_v)) (local.get $hi_v))))
              (else
            (if (i32.and (i32.and (local.get $hardswish) (local.get $two)) (i32.ge_s (local.get $ncols) (i32.const 16)))
              (then
                ;; hardswish on both outputs of a whole panel, as $activate computes it (MobileNetV3's
                ;; first layer): the four calls of $store_row, each of $activate twice, cost more
                ;; than the layer's taps.
                (v128.store (local.get $q) (@hardswish (local.get $a0)))
                (v128.store offset=16 (local.get $q) (@hardswish (local.get $a1)))
                (v128.store offset=32 (local.get $q) (@hardswish (local.get $a2)))
                (v128.store offset=48 (local.get $q) (@hardswish (local.get $a3)))
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (v128.store (local.get $q) (@hardswish (local.get $c0)))
                (v128.store offset=16 (local.get $q) (@hardswish (local.get $c1)))
                (v128.store offset=32 (local.get $q) (@hardswish (local.get $c2)))
                (v128.store offset=48 (local.get $q) (@hardswish (local.get $c3))))
              (else
            (call $store_row (local.get $q) (local.get $a0) (local.get $a1)
              (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
            (if (i32.gt_s (local.get $ncols) (i32.const 8))
              (then (call $store_row (i32.add (local.get $q) (i32.const 32)) (local.get $a2) (local.get $a3)
                (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))
            (if (local.get $two)
              (then
                (local.set $q (i32.add (local.get $q) (local.get $ldo)))
                (call $store_row (local.get $q) (local.get $c0) (local.get $c1)
                  (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))
                (if (i32.gt_s (local.get $ncols) (i32.const 8))
                  (then (call $store_row (i32.add (local.get $q) (i32.const 32)) (local.get $c2) (local.get $c3)
                    (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $stored_act) (local.get $slope))))))))))
            (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
            (br $ox_loop)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $panel_loop)))
        (if (local.get $deferred)
          (then
            (local.set $q
              (i32.add (local.get $out)
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $ldo))))
            (call $activate_all (local.get $q) (local.get $q) (i32.mul (local.get $OW) (local.get $CO)) (local.get $act) (local.get $slope))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; depthwise3x3: `depthwise` for 3x3 filters. Each output is a chain of nine dependent adds
  ;; (the bias, then the taps row by row, the order every backend and thread split keeps bit
  ;; for bit), so speed comes from many chains in flight and few instructions per product. At
  ;; stride 1 or 2 (taps one pixel apart) channels go sixteen at a time, a 64-byte line of each
  ;; pixel, used whole while it is in the L1 cache:
  ;; - inside the input's width, two outputs at a time, pixel by pixel through all their lines:
  ;;   per line eight channels at a time (four accumulators live), filter column by filter
  ;;   column, each filter vector loaded once for both outputs; input and output stream in
  ;;   order. At stride 2, where two output rows' inputs lie inside, both rows at once (eight
  ;;   accumulators): they share an input row, and a filter vector feeds four outputs (not where
  ;;   C is a multiple of 512, whose pixels 2 KB apart put a block's inputs in two L1 sets);
  ;; - outputs whose window crosses the left or right border, and an odd one, one at a time,
  ;;   checking each column.
  ;; The channels left go four at a time along the row, four outputs at a time, the nine filter
  ;; vectors in locals. A filter row in the padding is skipped whole.
  ;; TurboFan puts a basic block's loads first and its arithmetic after them, which for a row
  ;; of taps needs more than x64's 16 vector registers; a never-taken branch (pix is never
  ;; negative) after every filter column, or two (after every filter vector in the two-row
  ;; blocks), ends the block so that each column's products are done before the next column is
  ;; loaded.
  ;; relu, relu6 and none store as pmin/pmax, one instruction each where V8 spends seven or
  ;; eight on min/max for their NaN and -0 rules. A NaN stays a NaN either way, and pmax(-0, 0)
  ;; is -0 where max gives 0, but an accumulator is -0 only if its bias is (x + y is -0 only
  ;; for -0 + -0): so these paths take only lines, and groups of four, whose bias has no -0.
  ;; Past the right border a column adds 0·w rather than nothing, as this kernel always has
  ;; (it turns a sum of -0 into 0), so that the results keep their bits. (In the relaxed
  ;; build a fused multiply-add can round a product too small for a float to -0, which relu
  ;; then keeps.) A call of $activate would cost more than the taps, since V8 spills the live
  ;; vectors around it: leaky relu, hardsigmoid, hardswish, sigmoid, silu and tanh (the deferred
  ;; activations) therefore store the sums as they are and go through $activate_all over each
  ;; output row afterwards (the same function on the same values: the same bits); they take
  ;; every whole line, stored through pmax/pmin against -inf and inf, which keep every bit, and
  ;; the channels left four at a time as they are. Other strides, and dilation along the width, take one output at a time,
  ;; every channel, unchecked inside the input and tap by tap at its border: relu, relu6 and
  ;; none of four channels as a clamp to [$lo_v, $hi_v] with f32x4.min/max, every other
  ;; activation and a tail of channels through $store_activated.
  ;; Generated by tools/gen-depthwise3x3.ts: do not edit it by hand; change the tool, run it.
  (func (export "depthwise3x3")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $act i32) (param $slope f32)
    (param $oy0 i32) (param $oy1 i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32) (local $ix_lo i32)
    (local $rows_inside i32) (local $inside i32) (local $lo i32) (local $hi i32) (local $left i32) (local $mid2 i32) (local $mid4 i32)
    (local $lanes i32) (local $fast i32) (local $lend i32) (local $quad i32) (local $deferred i32)
    (local $pix i32) (local $pix2 i32) (local $pix4 i32) (local $in2 i32) (local $in4 i32)
    (local $rowb i32) (local $dyb i32) (local $dyb2 i32) (local $dxb i32) (local $dxb2 i32)
    (local $tap i32) (local $tap2 i32) (local $tap3 i32) (local $tap6 i32)
    (local $cb i32) (local $ip i32) (local $op i32) (local $ipx i32) (local $opx i32) (local $q i32) (local $q1 i32) (local $end i32)
    (local $wq i32) (local $wl i32) (local $wr i32) (local $obase i32) (local $plane i32) (local $col0 i32)
    (local $yok0 i32) (local $yok1 i32) (local $yok2 i32) (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $right i32)
    (local $row0 i32) (local $row1 i32) (local $row2 i32)
    (local $qb i32) (local $qb1 i32) (local $rows2b i32) (local $orowb i32) (local $pairs_done i32) (local $two_rows i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $b v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    ;; hardswish too, here: its pass over the row costs less than the four-channel path it would
    ;; take otherwise (MobileNetV3-Large's hardswish 3x3 steps 1.06x to 1.18x faster).
    (local.set $deferred (i32.or (call $is_deferred (local.get $act)) (i32.eq (local.get $act) (i32.const 5))))
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $pix2 (i32.shl (local.get $pix) (i32.const 1)))
    (local.set $pix4 (i32.shl (local.get $pix) (i32.const 2)))
    (local.set $in2 (i32.mul (local.get $SW) (local.get $pix2)))
    (local.set $in4 (i32.mul (local.get $SW) (local.get $pix4)))
    (local.set $rowb (i32.mul (local.get $W) (local.get $pix)))
    (local.set $dyb (i32.mul (local.get $DH) (local.get $rowb)))
    (local.set $dyb2 (i32.shl (local.get $dyb) (i32.const 1)))
    (local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
    (local.set $rows2b (i32.mul (local.get $SH) (local.get $rowb)))
    (local.set $orowb (i32.mul (local.get $OW) (local.get $pix)))
    ;; Two output rows' pairs at a time at stride 2, where they share an input row; not where C is
    ;; a multiple of 512, whose 25 input lines of a block would fall in two L1 sets.
    (local.set $two_rows (i32.and (i32.and (i32.eq (local.get $SH) (i32.const 2)) (i32.eq (local.get $SW) (i32.const 2)))
      (i32.ne (i32.and (local.get $C) (i32.const 511)) (i32.const 0))))
    (local.set $dxb2 (i32.shl (local.get $dxb) (i32.const 1)))
    (local.set $tap (i32.shl (i32.and (i32.add (local.get $C) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $tap2 (i32.shl (local.get $tap) (i32.const 1)))
    (local.set $tap3 (i32.add (local.get $tap2) (local.get $tap)))
    (local.set $tap6 (i32.shl (local.get $tap3) (i32.const 1)))
    (local.set $quad (i32.and (i32.le_u (i32.sub (local.get $SW) (i32.const 1)) (i32.const 1)) (i32.eq (local.get $DW) (i32.const 1))))
    ;; Output columns whose window lies inside the input: lo <= ox < hi, in runs of two from lo to
    ;; mid2 or of four to mid4; left is where the columns before lo end.
    (local.set $lo (i32.div_s (i32.add (local.get $PL) (i32.sub (local.get $SW) (i32.const 1))) (local.get $SW)))
    (local.set $hi (i32.sub (i32.add (local.get $W) (local.get $PL)) (i32.add (i32.shl (local.get $DW) (i32.const 1)) (i32.const 1))))
    (local.set $hi (select (i32.add (i32.div_s (local.get $hi) (local.get $SW)) (i32.const 1)) (i32.const 0)
      (i32.ge_s (local.get $hi) (i32.const 0))))
    (if (i32.gt_s (local.get $hi) (local.get $OW)) (then (local.set $hi (local.get $OW))))
    (local.set $left (select (local.get $lo) (local.get $OW) (i32.lt_s (local.get $lo) (local.get $OW))))
    (local.set $ix_lo (i32.sub (i32.mul (local.get $lo) (local.get $SW)) (local.get $PL)))
    (local.set $mid2 (local.get $lo)) (local.set $mid4 (local.get $lo))
    (if (i32.gt_s (local.get $hi) (local.get $lo))
      (then
        (local.set $mid2 (i32.add (local.get $lo) (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const -2))))
        (local.set $mid4 (i32.add (local.get $lo) (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const -4))))))
    ;; Channels [0, lend) go in lines of sixteen: for a clamp, whole lines up to the first whose
    ;; bias has a -0 (see above); for the deferred activations every whole line, its sums stored
    ;; through a clamp to ±inf, which keeps every bit (pmax(x, -inf) and pmin(x, inf) are x, a -0
    ;; or a NaN too), before the row goes through activate.
    (local.set $lend (select (i32.and (local.get $pix) (i32.const -64)) (i32.const 0) (local.get $deferred)))
    (if (local.get $deferred)
      (then
        (local.set $lo_v (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $hi_v (v128.const f32x4 inf inf inf inf))))
    (if (local.get $clamp)
      (then
        (block $lend_done (loop $lend_loop
          (br_if $lend_done (i32.gt_u (i32.add (local.get $lend) (i32.const 64)) (local.get $pix)))
          (local.set $q (i32.add (local.get $bias) (local.get $lend)))
          (br_if $lend_done
            (v128.any_true
              (v128.or
                (v128.or
                  (i32x4.eq (v128.load (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                  (i32x4.eq (v128.load offset=16 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
                (v128.or
                  (i32x4.eq (v128.load offset=32 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                  (i32x4.eq (v128.load offset=48 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))))
          (local.set $lend (i32.add (local.get $lend) (i32.const 64)))
          (br $lend_loop)))))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $plane (i32.add (local.get $x) (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $rowb))))
      (local.set $oy (local.get $oy0))
      (block $oy_done (loop $oy_loop
        (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
        (local.set $rows_inside
          (i32.and (i32.ge_s (local.get $iy0) (i32.const 0))
            (i32.lt_s (i32.add (local.get $iy0) (i32.shl (local.get $DH) (i32.const 1))) (local.get $H))))
        (local.set $yok0 (i32.lt_u (local.get $iy0) (local.get $H)))
        (local.set $yok1 (i32.lt_u (i32.add (local.get $iy0) (local.get $DH)) (local.get $H)))
        (local.set $yok2 (i32.lt_u (i32.add (local.get $iy0) (i32.shl (local.get $DH) (i32.const 1))) (local.get $H)))
        (local.set $row0 (i32.add (local.get $plane) (i32.mul (local.get $iy0) (local.get $rowb))))
        (local.set $row1 (i32.add (local.get $row0) (local.get $dyb)))
        (local.set $row2 (i32.add (local.get $row1) (local.get $dyb)))
        (local.set $obase
          (i32.add (local.get $out)
            (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix))))
        (if (local.get $quad)
          (then
            ;; Lines [0, lend), inside the input's width: pairs of outputs, pixel by pixel.
            ;; Done with the row before, or both rows at once where the next row's inputs lie inside.
            (if (local.get $pairs_done)
              (then (local.set $pairs_done (i32.const 0)))
              (else
                (if (i32.and (i32.and (local.get $two_rows) (local.get $rows_inside))
                  (i32.and (i32.lt_u (i32.add (local.get $oy) (i32.const 1)) (local.get $oy1))
                    (i32.lt_s (i32.add (i32.add (local.get $iy0) (local.get $SH)) (i32.shl (local.get $DH) (i32.const 1))) (local.get $H))))
                  (then
                    (if (i32.and (i32.lt_s (local.get $lo) (local.get $mid2)) (i32.ne (local.get $lend) (i32.const 0)))
                      (then
                        (local.set $ipx (i32.add (local.get $row0) (i32.mul (local.get $ix_lo) (local.get $pix))))
                        (local.set $opx (i32.add (local.get $obase) (i32.mul (local.get $lo) (local.get $pix))))
                        (local.set $end (i32.add (local.get $obase) (i32.mul (local.get $mid2) (local.get $pix))))
                        (loop $pairs2_s2_in
                          (local.set $cb (i32.const 0))
                          (loop $pairs2_s2_in_lines
                            (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                            (local.set $wl (i32.add (local.get $w) (local.get $cb)))
                            (local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))
                            (local.set $a0 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a2 (local.get $b0)) (local.set $a3 (local.get $b1))
                            (local.set $a4 (local.get $b0)) (local.set $a5 (local.get $b1)) (local.set $a6 (local.get $b0)) (local.set $a7 (local.get $b1))
                            (local.set $q (local.get $ip)) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                            (local.set $wr (local.get $wl))
                            (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                            (local.set $v (v128.load (local.get $wr)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                            (if (i32.ne (local.get $pix) (i32.const -1)) (then
                              (local.set $v (v128.load offset=16 (local.get $wr)))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                              (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                              (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                (local.set $v (v128.load (local.get $wr)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                  (local.set $v (v128.load offset=16 (local.get $wr)))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                  (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                  (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                  (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                  (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                  (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                    (local.set $v (v128.load (local.get $wr)))
                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb))) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                      (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                          (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                            (local.set $v (v128.load (local.get $wr)))
                                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                            (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                              (local.set $v (v128.load offset=16 (local.get $wr)))
                                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                              (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                              (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                              (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                                (local.set $v (v128.load (local.get $wr)))
                                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                                (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                                  (local.set $v (v128.load offset=16 (local.get $wr)))
                                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                                  (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                                  (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                                  (local.set $q (i32.add (local.get $ip) (local.get $dyb2))) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                                                  (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                                  (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                  (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                                    (local.set $v (v128.load (local.get $wr)))
                                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                                    (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                      (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                                        (local.set $v (v128.load (local.get $wr)))
                                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                                        (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                          (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                                            (local.set $v (v128.load (local.get $wr)))
                                                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $qb)) (local.get $v))))
                                                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (local.get $qb1)) (local.get $v))))
                                                            (if (i32.ne (local.get $pix) (i32.const -17)) (then
                                                              (local.set $v (v128.load offset=16 (local.get $wr)))
                                                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $qb)) (local.get $v))))
                                                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=16 (local.get $qb1)) (local.get $v))))
                                                              ))
                                                            ))
                                                          ))
                                                        ))
                                                      ))
                                                    ))
                                                  ))
                                                ))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=16 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=16 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store (i32.add (local.get $op) (local.get $orowb)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=16 (i32.add (local.get $op) (local.get $orowb)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store (i32.add (i32.add (local.get $op) (local.get $orowb)) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=16 (i32.add (i32.add (local.get $op) (local.get $orowb)) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                            (local.set $a0 (local.get $b2)) (local.set $a1 (local.get $b3)) (local.set $a2 (local.get $b2)) (local.set $a3 (local.get $b3))
                            (local.set $a4 (local.get $b2)) (local.set $a5 (local.get $b3)) (local.set $a6 (local.get $b2)) (local.set $a7 (local.get $b3))
                            (local.set $q (local.get $ip)) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                            (local.set $wr (local.get $wl))
                            (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                            (local.set $v (v128.load offset=32 (local.get $wr)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                            (if (i32.ne (local.get $pix) (i32.const -19)) (then
                              (local.set $v (v128.load offset=48 (local.get $wr)))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                              (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                              (if (i32.ne (local.get $pix) (i32.const -20)) (then
                                (local.set $v (v128.load offset=32 (local.get $wr)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                (if (i32.ne (local.get $pix) (i32.const -21)) (then
                                  (local.set $v (v128.load offset=48 (local.get $wr)))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                  (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                  (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                  (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                  (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                  (if (i32.ne (local.get $pix) (i32.const -22)) (then
                                    (local.set $v (v128.load offset=32 (local.get $wr)))
                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -23)) (then
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb))) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                      (if (i32.ne (local.get $pix) (i32.const -24)) (then
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -25)) (then
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                          (if (i32.ne (local.get $pix) (i32.const -26)) (then
                                            (local.set $v (v128.load offset=32 (local.get $wr)))
                                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                            (if (i32.ne (local.get $pix) (i32.const -27)) (then
                                              (local.set $v (v128.load offset=48 (local.get $wr)))
                                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                              (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                              (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                              (if (i32.ne (local.get $pix) (i32.const -28)) (then
                                                (local.set $v (v128.load offset=32 (local.get $wr)))
                                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                                (if (i32.ne (local.get $pix) (i32.const -29)) (then
                                                  (local.set $v (v128.load offset=48 (local.get $wr)))
                                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                                  (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                                  (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                                  (local.set $q (i32.add (local.get $ip) (local.get $dyb2))) (local.set $qb (i32.add (local.get $q) (local.get $rows2b)))
                                                  (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                                  (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                  (if (i32.ne (local.get $pix) (i32.const -30)) (then
                                                    (local.set $v (v128.load offset=32 (local.get $wr)))
                                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                                    (if (i32.ne (local.get $pix) (i32.const -31)) (then
                                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                      (if (i32.ne (local.get $pix) (i32.const -32)) (then
                                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                                        (if (i32.ne (local.get $pix) (i32.const -33)) (then
                                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $qb (i32.add (local.get $qb) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2))) (local.set $qb1 (i32.add (local.get $qb) (local.get $pix2)))
                                                          (if (i32.ne (local.get $pix) (i32.const -34)) (then
                                                            (local.set $v (v128.load offset=32 (local.get $wr)))
                                                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=32 (local.get $qb)) (local.get $v))))
                                                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $qb1)) (local.get $v))))
                                                            (if (i32.ne (local.get $pix) (i32.const -35)) (then
                                                              (local.set $v (v128.load offset=48 (local.get $wr)))
                                                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                                              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=48 (local.get $qb)) (local.get $v))))
                                                              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $qb1)) (local.get $v))))
                                                              ))
                                                            ))
                                                          ))
                                                        ))
                                                      ))
                                                    ))
                                                  ))
                                                ))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (v128.store offset=32 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=48 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=32 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=48 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=32 (i32.add (local.get $op) (local.get $orowb)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=48 (i32.add (local.get $op) (local.get $orowb)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=32 (i32.add (i32.add (local.get $op) (local.get $orowb)) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                            (v128.store offset=48 (i32.add (i32.add (local.get $op) (local.get $orowb)) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                            (br_if $pairs2_s2_in_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))
                          (local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))
                          (br_if $pairs2_s2_in (i32.lt_u (local.get $opx) (local.get $end))))
                        ))
                    (local.set $pairs_done (i32.const 1)))
                  (else
                    (if (i32.and (i32.lt_s (local.get $lo) (local.get $mid2)) (i32.ne (local.get $lend) (i32.const 0)))
                      (then
                        (local.set $ipx (i32.add (local.get $row0) (i32.mul (local.get $ix_lo) (local.get $pix))))
                        (local.set $opx (i32.add (local.get $obase) (i32.mul (local.get $lo) (local.get $pix))))
                        (local.set $end (i32.add (local.get $obase) (i32.mul (local.get $mid2) (local.get $pix))))
                        (if (local.get $rows_inside)
                          (then
                            (if (i32.eq (local.get $SW) (i32.const 1))
                              (then
                                (loop $pairs_s1_in
                                  (local.set $cb (i32.const 0))
                                  (loop $pairs_s1_in_lines
                                    (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                                    (local.set $wl (i32.add (local.get $w) (local.get $cb)))
                                    (local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))
                                    (local.set $a0 (local.get $b0)) (local.set $a4 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a5 (local.get $b1))
                                    (local.set $q (local.get $ip))
                                    (local.set $wr (local.get $wl))
                                    (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $wr)))
                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                    (local.set $v (v128.load offset=16 (local.get $wr)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                    (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                    (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                    (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                                    (local.set $a2 (local.get $b2)) (local.set $a6 (local.get $b2)) (local.set $a3 (local.get $b3)) (local.set $a7 (local.get $b3))
                                    (local.set $q (local.get $ip))
                                    (local.set $wr (local.get $wl))
                                    (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load offset=32 (local.get $wr)))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                    (local.set $v (v128.load offset=48 (local.get $wr)))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                    (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                    (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                    (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store offset=32 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=32 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                                    (br_if $pairs_s1_in_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))
                                  (local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))
                                  (br_if $pairs_s1_in (i32.lt_u (local.get $opx) (local.get $end))))
                                )
                              (else
                                (loop $pairs_s2_in
                                  (local.set $cb (i32.const 0))
                                  (loop $pairs_s2_in_lines
                                    (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                                    (local.set $wl (i32.add (local.get $w) (local.get $cb)))
                                    (local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))
                                    (local.set $a0 (local.get $b0)) (local.set $a4 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a5 (local.get $b1))
                                    (local.set $q (local.get $ip))
                                    (local.set $wr (local.get $wl))
                                    (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                    (local.set $v (v128.load (local.get $wr)))
                                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                    (local.set $v (v128.load offset=16 (local.get $wr)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                    (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                    (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                    (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                                    (local.set $a2 (local.get $b2)) (local.set $a6 (local.get $b2)) (local.set $a3 (local.get $b3)) (local.set $a7 (local.get $b3))
                                    (local.set $q (local.get $ip))
                                    (local.set $wr (local.get $wl))
                                    (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                    (local.set $v (v128.load offset=32 (local.get $wr)))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                    (local.set $v (v128.load offset=48 (local.get $wr)))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                    (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                    (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                    (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                    (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                    (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store offset=32 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=32 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                                    (br_if $pairs_s2_in_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))
                                  (local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))
                                  (br_if $pairs_s2_in (i32.lt_u (local.get $opx) (local.get $end))))
                                ))
                            )
                          (else
                            (if (i32.eq (local.get $SW) (i32.const 1))
                              (then
                                (loop $pairs_s1
                                  (local.set $cb (i32.const 0))
                                  (loop $pairs_s1_lines
                                    (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                                    (local.set $wl (i32.add (local.get $w) (local.get $cb)))
                                    (local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))
                                    (local.set $a0 (local.get $b0)) (local.set $a4 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a5 (local.get $b1))
                                    (if (local.get $yok0) (then
                                      (local.set $q (local.get $ip))
                                      (local.set $wr (local.get $wl))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok1) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok2) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                                    (local.set $a2 (local.get $b2)) (local.set $a6 (local.get $b2)) (local.set $a3 (local.get $b3)) (local.set $a7 (local.get $b3))
                                    (if (local.get $yok0) (then
                                      (local.set $q (local.get $ip))
                                      (local.set $wr (local.get $wl))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok1) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok2) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store offset=32 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=32 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                                    (br_if $pairs_s1_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))
                                  (local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))
                                  (br_if $pairs_s1 (i32.lt_u (local.get $opx) (local.get $end))))
                                )
                              (else
                                (loop $pairs_s2
                                  (local.set $cb (i32.const 0))
                                  (loop $pairs_s2_lines
                                    (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
                                    (local.set $wl (i32.add (local.get $w) (local.get $cb)))
                                    (local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))
                                    (local.set $a0 (local.get $b0)) (local.set $a4 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a5 (local.get $b1))
                                    (if (local.get $yok0) (then
                                      (local.set $q (local.get $ip))
                                      (local.set $wr (local.get $wl))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok1) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok2) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load (local.get $wr)))
                                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                      (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=16 (local.get $wr)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                      (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load (local.get $wr)))
                                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=16 (local.get $wr)))
                                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load (local.get $wr)))
                                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $v))))
                                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=16 (local.get $wr)))
                                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $v))))
                                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=16 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a4) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=16 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a5) (local.get $lo_v)) (local.get $hi_v)))
                                    (local.set $a2 (local.get $b2)) (local.set $a6 (local.get $b2)) (local.set $a3 (local.get $b3)) (local.set $a7 (local.get $b3))
                                    (if (local.get $yok0) (then
                                      (local.set $q (local.get $ip))
                                      (local.set $wr (local.get $wl))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok1) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (if (local.get $yok2) (then
                                      (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                                      (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                      (local.set $v (v128.load offset=32 (local.get $wr)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                      (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                      (local.set $v (v128.load offset=48 (local.get $wr)))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                      (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                      (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                        (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                        (local.set $v (v128.load offset=32 (local.get $wr)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                        (local.set $v (v128.load offset=48 (local.get $wr)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                        (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix))) (local.set $wr (i32.add (local.get $wr) (local.get $tap)))
                                          (local.set $q1 (i32.add (local.get $q) (local.get $pix2)))
                                          (local.set $v (v128.load offset=32 (local.get $wr)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $v))))
                                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=32 (local.get $q1)) (local.get $v))))
                                          (local.set $v (v128.load offset=48 (local.get $wr)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $v))))
                                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=48 (local.get $q1)) (local.get $v))))
                                          ))
                                        ))
                                      ))
                                    (v128.store offset=32 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=32 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a6) (local.get $lo_v)) (local.get $hi_v)))
                                    (v128.store offset=48 (i32.add (local.get $op) (local.get $pix)) (f32x4.pmin (f32x4.pmax (local.get $a7) (local.get $lo_v)) (local.get $hi_v)))
                                    (br_if $pairs_s2_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))
                                  (local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))
                                  (br_if $pairs_s2 (i32.lt_u (local.get $opx) (local.get $end))))
                                ))
                            ))
                        ))
                    ))))
            ;; Lines [0, lend) again: the outputs at the borders, one at a time.
            (local.set $cb (i32.const 0))
            (block $lines_done (loop $lines
              (br_if $lines_done (i32.ge_u (local.get $cb) (local.get $lend)))
              (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $cb)))) (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $cb)))) (local.set $b3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $cb))))
              (local.set $wl (i32.add (local.get $w) (local.get $cb)))
              (local.set $ox (i32.const 0))
              (block $line_edges_done (loop $line_edges
                (if (i32.eq (local.get $ox) (local.get $left)) (then (local.set $ox (local.get $mid2))))
                (br_if $line_edges_done (i32.ge_s (local.get $ox) (local.get $OW)))
                (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
                (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                (local.set $a0 (local.get $b0)) (local.set $a1 (local.get $b1)) (local.set $a2 (local.get $b2)) (local.set $a3 (local.get $b3))
                (if (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))
                  (then
                    (if (local.get $yok0) (then
                      (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                      (local.set $wr (local.get $wl))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                      ))
                    (if (local.get $yok1) (then
                      (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                      ))
                    (if (local.get $yok2) (then
                      (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                      ))
                    )
                  (else
                    (local.set $k0 (i32.lt_u (i32.add (local.get $ix0) (i32.const 0)) (local.get $W)))
                    (local.set $k1 (i32.lt_u (i32.add (local.get $ix0) (i32.const 1)) (local.get $W)))
                    (local.set $k2 (i32.lt_u (i32.add (local.get $ix0) (i32.const 2)) (local.get $W)))
                    ;; From lo on, a column past the input adds 0·w (see above).
                    (local.set $right (i32.ge_s (local.get $ox) (local.get $lo)))
                    (if (local.get $yok0) (then
                      (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                      (local.set $wr (local.get $wl))
                      (if (local.get $k0)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (local.get $wr)))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k1)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k2)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          ))))
                      ))
                    (if (local.get $yok1) (then
                      (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                      (local.set $wr (i32.add (local.get $wl) (local.get $tap3)))
                      (if (local.get $k0)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (local.get $wr)))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k1)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k2)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          ))))
                      ))
                    (if (local.get $yok2) (then
                      (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                      (local.set $wr (i32.add (local.get $wl) (local.get $tap6)))
                      (if (local.get $k0)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wr)))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (local.get $wr)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (local.get $wr)))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (local.get $wr)))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (local.get $wr)))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k1)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap))))))
                          ))))
                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                      (if (local.get $k2)
                        (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          )
                        (else (if (local.get $right) (then
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=16 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=32 (i32.add (local.get $wr) (local.get $tap2))))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.const f32x4 0 0 0 0) (v128.load offset=48 (i32.add (local.get $wr) (local.get $tap2))))))
                          ))))
                      ))
                    ))
                (local.set $q (i32.add (local.get $obase) (i32.add (i32.mul (local.get $ox) (local.get $pix)) (local.get $cb))))
                (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=16 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=32 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                (v128.store offset=48 (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $line_edges)))
              (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
              (br $lines)))
            ;; The channels left, four at a time.
            (block $quads_done (loop $quads
              (br_if $quads_done (i32.ge_u (local.get $cb) (local.get $pix)))
              (local.set $wq (i32.add (local.get $w) (local.get $cb)))
              (local.set $w0 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w1 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w2 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w3 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w4 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w5 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w6 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w7 (v128.load (local.get $wq)))
              (local.set $wq (i32.add (local.get $wq) (local.get $tap)))
              (local.set $w8 (v128.load (local.get $wq)))
              (local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
              (local.set $lanes (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
                (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
              (local.set $fast (i32.and (i32.and (local.get $clamp) (i32.eq (local.get $lanes) (i32.const 4)))
                (i32.eqz (v128.any_true (i32x4.eq (local.get $b) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))))
              (if (local.get $fast)
                (then
                  (if (i32.lt_s (local.get $lo) (local.get $mid4)) (then
                    (local.set $ip (i32.add (local.get $row0) (i32.add (i32.mul (local.get $ix_lo) (local.get $pix)) (local.get $cb))))
                    (local.set $op (i32.add (local.get $obase) (i32.add (i32.mul (local.get $lo) (local.get $pix)) (local.get $cb))))
                    (local.set $end (i32.add (local.get $obase) (i32.add (i32.mul (local.get $mid4) (local.get $pix)) (local.get $cb))))
                    (if (i32.eq (local.get $SW) (i32.const 1))
                      (then (loop $quad_runs_s1
                        (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                        (if (local.get $yok0) (then
                          (local.set $q (local.get $ip))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -1)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                            (if (i32.ne (local.get $pix) (i32.const -2)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                  (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (if (local.get $yok1) (then
                          (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (if (i32.ne (local.get $pix) (i32.const -6)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                            (if (i32.ne (local.get $pix) (i32.const -7)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                  (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (if (local.get $yok2) (then
                          (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                          (if (i32.ne (local.get $pix) (i32.const -11)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                            (if (i32.ne (local.get $pix) (i32.const -12)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                  (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $op) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                        (br_if $quad_runs_s1 (i32.lt_u (local.get $op) (local.get $end)))))
                      (else (loop $quad_runs_s2
                        (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                        (if (local.get $yok0) (then
                          (local.set $q (local.get $ip))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -1)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                            (if (i32.ne (local.get $pix) (i32.const -2)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                                (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                                  (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                    (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                      (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                        (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (if (local.get $yok1) (then
                          (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (if (i32.ne (local.get $pix) (i32.const -9)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                            (if (i32.ne (local.get $pix) (i32.const -10)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                                (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                                  (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                    (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                        (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (if (local.get $yok2) (then
                          (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                          (local.set $v (v128.load (local.get $q)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                          (if (i32.ne (local.get $pix) (i32.const -17)) (then
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (local.set $v (v128.load (local.get $q)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                            (if (i32.ne (local.get $pix) (i32.const -18)) (then
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -19)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                                (if (i32.ne (local.get $pix) (i32.const -20)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                                  (if (i32.ne (local.get $pix) (i32.const -21)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                    (if (i32.ne (local.get $pix) (i32.const -22)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                      (if (i32.ne (local.get $pix) (i32.const -23)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                        (if (i32.ne (local.get $pix) (i32.const -24)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            ))
                          ))
                        (v128.store (local.get $op) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $op) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a1) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a2) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                        (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a3) (local.get $lo_v)) (local.get $hi_v)))
                        (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                        (br_if $quad_runs_s2 (i32.lt_u (local.get $op) (local.get $end)))))
                      )
                    ))
                  (local.set $ox (i32.const 0))
                  (block $quad_edges_done (loop $quad_edges
                    (if (i32.eq (local.get $ox) (local.get $left)) (then (local.set $ox (local.get $mid4))))
                    (br_if $quad_edges_done (i32.ge_s (local.get $ox) (local.get $OW)))
                    (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
                    (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                    (local.set $a0 (local.get $b))
                    (if (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))
                      (then
                        (if (local.get $yok0) (then
                          (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                          ))
                        (if (local.get $yok1) (then
                          (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                          ))
                        (if (local.get $yok2) (then
                          (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                          ))
                        )
                      (else
                        (local.set $k0 (i32.lt_u (i32.add (local.get $ix0) (i32.const 0)) (local.get $W)))
                        (local.set $k1 (i32.lt_u (i32.add (local.get $ix0) (i32.const 1)) (local.get $W)))
                        (local.set $k2 (i32.lt_u (i32.add (local.get $ix0) (i32.const 2)) (local.get $W)))
                        ;; From lo on, a column past the input adds 0·w (see above).
                        (local.set $right (i32.ge_s (local.get $ox) (local.get $lo)))
                        (if (local.get $yok0) (then
                          (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                          (if (local.get $k0)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w0))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k1)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w1))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k2)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w2))))
                              ))))
                          ))
                        (if (local.get $yok1) (then
                          (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                          (if (local.get $k0)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w3))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k1)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w4))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k2)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w5))))
                              ))))
                          ))
                        (if (local.get $yok2) (then
                          (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                          (if (local.get $k0)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w6))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k1)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w7))))
                              ))))
                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                          (if (local.get $k2)
                            (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                              )
                            (else (if (local.get $right) (then
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w8))))
                              ))))
                          ))
                        ))
                    (local.set $q (i32.add (local.get $obase) (i32.add (i32.mul (local.get $ox) (local.get $pix)) (local.get $cb))))
                    (v128.store (local.get $q) (f32x4.pmin (f32x4.pmax (local.get $a0) (local.get $lo_v)) (local.get $hi_v)))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                    (br $quad_edges)))
                  )
                (else
                  (if (local.get $deferred)
                    (then
                      (if (i32.lt_s (local.get $lo) (local.get $mid4)) (then
                        (local.set $ip (i32.add (local.get $row0) (i32.add (i32.mul (local.get $ix_lo) (local.get $pix)) (local.get $cb))))
                        (local.set $op (i32.add (local.get $obase) (i32.add (i32.mul (local.get $lo) (local.get $pix)) (local.get $cb))))
                        (local.set $end (i32.add (local.get $obase) (i32.add (i32.mul (local.get $mid4) (local.get $pix)) (local.get $cb))))
                        (if (i32.eq (local.get $SW) (i32.const 1))
                          (then (loop $quad_runs_raw_s1
                            (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                            (if (local.get $yok0) (then
                              (local.set $q (local.get $ip))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                                (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                                  (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                    (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                                (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                                  (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                    (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                      (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                                (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                                  (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                    (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $op) (local.get $a0)))
                              (else (call $store_lanes (local.get $op) (local.get $a0) (local.get $a0) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $op) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a1)))
                              (else (call $store_lanes (local.get $q) (local.get $a1) (local.get $a1) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a2)))
                              (else (call $store_lanes (local.get $q) (local.get $a2) (local.get $a2) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a3)))
                              (else (call $store_lanes (local.get $q) (local.get $a3) (local.get $a3) (local.get $lanes))))
                            (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                            (br_if $quad_runs_raw_s1 (i32.lt_u (local.get $op) (local.get $end)))))
                          (else (loop $quad_runs_raw_s2
                            (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                            (if (local.get $yok0) (then
                              (local.set $q (local.get $ip))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                                (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                                  (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                                    (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                        (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                          (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                            (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                                (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                                  (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                                    (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                                      (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                        (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                          (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                            (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -17)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                                (if (i32.ne (local.get $pix) (i32.const -18)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                                  (if (i32.ne (local.get $pix) (i32.const -19)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                                    (if (i32.ne (local.get $pix) (i32.const -20)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                                      (if (i32.ne (local.get $pix) (i32.const -21)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                        (if (i32.ne (local.get $pix) (i32.const -22)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                          (if (i32.ne (local.get $pix) (i32.const -23)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                            (if (i32.ne (local.get $pix) (i32.const -24)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $op) (local.get $a0)))
                              (else (call $store_lanes (local.get $op) (local.get $a0) (local.get $a0) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $op) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a1)))
                              (else (call $store_lanes (local.get $q) (local.get $a1) (local.get $a1) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a2)))
                              (else (call $store_lanes (local.get $q) (local.get $a2) (local.get $a2) (local.get $lanes))))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (if (i32.eq (local.get $lanes) (i32.const 4))
                              (then (v128.store (local.get $q) (local.get $a3)))
                              (else (call $store_lanes (local.get $q) (local.get $a3) (local.get $a3) (local.get $lanes))))
                            (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                            (br_if $quad_runs_raw_s2 (i32.lt_u (local.get $op) (local.get $end)))))
                          )
                        ))
                      (local.set $ox (i32.const 0))
                      (block $quad_edges_raw_done (loop $quad_edges_raw
                        (if (i32.eq (local.get $ox) (local.get $left)) (then (local.set $ox (local.get $mid4))))
                        (br_if $quad_edges_raw_done (i32.ge_s (local.get $ox) (local.get $OW)))
                        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
                        (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                        (local.set $a0 (local.get $b))
                        (if (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))
                          (then
                            (if (local.get $yok0) (then
                              (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                              ))
                            )
                          (else
                            (local.set $k0 (i32.lt_u (i32.add (local.get $ix0) (i32.const 0)) (local.get $W)))
                            (local.set $k1 (i32.lt_u (i32.add (local.get $ix0) (i32.const 1)) (local.get $W)))
                            (local.set $k2 (i32.lt_u (i32.add (local.get $ix0) (i32.const 2)) (local.get $W)))
                            ;; From lo on, a column past the input adds 0·w (see above).
                            (local.set $right (i32.ge_s (local.get $ox) (local.get $lo)))
                            (if (local.get $yok0) (then
                              (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w0))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w1))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w2))))
                                  ))))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w3))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w4))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w5))))
                                  ))))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w6))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w7))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w8))))
                                  ))))
                              ))
                            ))
                        (local.set $q (i32.add (local.get $obase) (i32.add (i32.mul (local.get $ox) (local.get $pix)) (local.get $cb))))
                        (if (i32.eq (local.get $lanes) (i32.const 4))
                          (then (v128.store (local.get $q) (local.get $a0)))
                          (else (call $store_lanes (local.get $q) (local.get $a0) (local.get $a0) (local.get $lanes))))
                        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                        (br $quad_edges_raw)))
                      )
                    (else
                      (if (i32.lt_s (local.get $lo) (local.get $mid4)) (then
                        (local.set $ip (i32.add (local.get $row0) (i32.add (i32.mul (local.get $ix_lo) (local.get $pix)) (local.get $cb))))
                        (local.set $op (i32.add (local.get $obase) (i32.add (i32.mul (local.get $lo) (local.get $pix)) (local.get $cb))))
                        (local.set $end (i32.add (local.get $obase) (i32.add (i32.mul (local.get $mid4) (local.get $pix)) (local.get $cb))))
                        (if (i32.eq (local.get $SW) (i32.const 1))
                          (then (loop $quad_runs_act_s1
                            (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                            (if (local.get $yok0) (then
                              (local.set $q (local.get $ip))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                                (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                                  (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                    (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                                (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                                  (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                    (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                      (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                                (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                                  (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                    (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (call $store_activated (local.get $op) (local.get $a0) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $op) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a1) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a2) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a3) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                            (br_if $quad_runs_act_s1 (i32.lt_u (local.get $op) (local.get $end)))))
                          (else (loop $quad_runs_act_s2
                            (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                            (if (local.get $yok0) (then
                              (local.set $q (local.get $ip))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                              (if (i32.ne (local.get $pix) (i32.const -1)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                                (if (i32.ne (local.get $pix) (i32.const -2)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                                  (if (i32.ne (local.get $pix) (i32.const -3)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                                    (if (i32.ne (local.get $pix) (i32.const -4)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                                        (if (i32.ne (local.get $pix) (i32.const -6)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                                          (if (i32.ne (local.get $pix) (i32.const -7)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                                            (if (i32.ne (local.get $pix) (i32.const -8)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                              (if (i32.ne (local.get $pix) (i32.const -9)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                                (if (i32.ne (local.get $pix) (i32.const -10)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w5))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                                  (if (i32.ne (local.get $pix) (i32.const -11)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                                    (if (i32.ne (local.get $pix) (i32.const -12)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w5))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                                      (if (i32.ne (local.get $pix) (i32.const -13)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                                        (if (i32.ne (local.get $pix) (i32.const -14)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w5))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                                          (if (i32.ne (local.get $pix) (i32.const -15)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                                            (if (i32.ne (local.get $pix) (i32.const -16)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w5))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $ip) (local.get $dyb2)))
                              (local.set $v (v128.load (local.get $q)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w6))))
                              (if (i32.ne (local.get $pix) (i32.const -17)) (then
                                (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                (local.set $v (v128.load (local.get $q)))
                                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w7))))
                                (if (i32.ne (local.get $pix) (i32.const -18)) (then
                                  (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                  (local.set $v (v128.load (local.get $q)))
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w8))))
                                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w6))))
                                  (if (i32.ne (local.get $pix) (i32.const -19)) (then
                                    (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                    (local.set $v (v128.load (local.get $q)))
                                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w7))))
                                    (if (i32.ne (local.get $pix) (i32.const -20)) (then
                                      (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                      (local.set $v (v128.load (local.get $q)))
                                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w8))))
                                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w6))))
                                      (if (i32.ne (local.get $pix) (i32.const -21)) (then
                                        (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                        (local.set $v (v128.load (local.get $q)))
                                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w7))))
                                        (if (i32.ne (local.get $pix) (i32.const -22)) (then
                                          (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                          (local.set $v (v128.load (local.get $q)))
                                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w8))))
                                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w6))))
                                          (if (i32.ne (local.get $pix) (i32.const -23)) (then
                                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                            (local.set $v (v128.load (local.get $q)))
                                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w7))))
                                            (if (i32.ne (local.get $pix) (i32.const -24)) (then
                                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                                              (local.set $v (v128.load (local.get $q)))
                                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w8))))
                                              ))
                                            ))
                                          ))
                                        ))
                                      ))
                                    ))
                                  ))
                                ))
                              ))
                            (call $store_activated (local.get $op) (local.get $a0) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $op) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a1) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a2) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $q (i32.add (local.get $q) (local.get $pix)))
                            (call $store_activated (local.get $q) (local.get $a3) (local.get $lanes) (local.get $act) (local.get $slope))
                            (local.set $ip (i32.add (local.get $ip) (local.get $in4))) (local.set $op (i32.add (local.get $op) (local.get $pix4)))
                            (br_if $quad_runs_act_s2 (i32.lt_u (local.get $op) (local.get $end)))))
                          )
                        ))
                      (local.set $ox (i32.const 0))
                      (block $quad_edges_act_done (loop $quad_edges_act
                        (if (i32.eq (local.get $ox) (local.get $left)) (then (local.set $ox (local.get $mid4))))
                        (br_if $quad_edges_act_done (i32.ge_s (local.get $ox) (local.get $OW)))
                        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
                        (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                        (local.set $a0 (local.get $b))
                        (if (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))
                          (then
                            (if (local.get $yok0) (then
                              (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                              ))
                            )
                          (else
                            (local.set $k0 (i32.lt_u (i32.add (local.get $ix0) (i32.const 0)) (local.get $W)))
                            (local.set $k1 (i32.lt_u (i32.add (local.get $ix0) (i32.const 1)) (local.get $W)))
                            (local.set $k2 (i32.lt_u (i32.add (local.get $ix0) (i32.const 2)) (local.get $W)))
                            ;; From lo on, a column past the input adds 0·w (see above).
                            (local.set $right (i32.ge_s (local.get $ox) (local.get $lo)))
                            (if (local.get $yok0) (then
                              (local.set $q (i32.add (local.get $row0) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w0))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w0))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w1))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w1))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w2))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w2))))
                                  ))))
                              ))
                            (if (local.get $yok1) (then
                              (local.set $q (i32.add (local.get $row1) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w3))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w3))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w4))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w4))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w5))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w5))))
                                  ))))
                              ))
                            (if (local.get $yok2) (then
                              (local.set $q (i32.add (local.get $row2) (local.get $col0)))
                              (if (local.get $k0)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w6))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w6))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k1)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w7))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w7))))
                                  ))))
                              (local.set $q (i32.add (local.get $q) (local.get $pix)))
                              (if (local.get $k2)
                                (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $q)) (local.get $w8))))
                                  )
                                (else (if (local.get $right) (then
                                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.const f32x4 0 0 0 0) (local.get $w8))))
                                  ))))
                              ))
                            ))
                        (local.set $q (i32.add (local.get $obase) (i32.add (i32.mul (local.get $ox) (local.get $pix)) (local.get $cb))))
                        (call $store_activated (local.get $q) (local.get $a0) (local.get $lanes) (local.get $act) (local.get $slope))
                        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                        (br $quad_edges_act)))
                      ))
                  ))
              (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
              (br $quads)))
            ;; The deferred activations over the row's outputs, stored as they were (see above).
            (if (local.get $deferred) (then (call $activate_all (local.get $obase) (local.get $obase) (i32.mul (local.get $OW) (local.get $C)) (local.get $act) (local.get $slope))))
            )
          (else
            ;; Other strides, or dilation along the width: every output alone, every channel.
            (local.set $ox (i32.const 0))
            (block $x_done (loop $x_loop
              (br_if $x_done (i32.ge_u (local.get $ox) (local.get $OW)))
              (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
              (local.set $inside (i32.and (local.get $rows_inside)
                (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))))
              (local.set $k0 (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 0))) (local.get $W)))
              (local.set $k1 (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 1))) (local.get $W)))
              (local.set $k2 (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 2))) (local.get $W)))
              (local.set $cb (i32.const 0))
              (loop $single_c
                (local.set $wq (i32.add (local.get $w) (local.get $cb)))
                (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $cb))))
                (if (local.get $inside)
                  (then
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (local.get $col0))) (v128.load (local.get $wq)))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (local.get $tap))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 2)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (local.get $col0))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 3)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 4)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 5)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (local.get $col0))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 6)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 7)))))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 8)))))))
                  )
                  (else
                    (if (i32.and (local.get $yok0) (local.get $k0))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (local.get $col0))) (v128.load (local.get $wq)))))))
                    (if (i32.and (local.get $yok0) (local.get $k1))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (local.get $tap))))))))
                    (if (i32.and (local.get $yok0) (local.get $k2))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row0) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 2)))))))))
                    (if (i32.and (local.get $yok1) (local.get $k0))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (local.get $col0))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 3)))))))))
                    (if (i32.and (local.get $yok1) (local.get $k1))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 4)))))))))
                    (if (i32.and (local.get $yok1) (local.get $k2))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row1) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 5)))))))))
                    (if (i32.and (local.get $yok2) (local.get $k0))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (local.get $col0))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 6)))))))))
                    (if (i32.and (local.get $yok2) (local.get $k1))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (i32.add (local.get $col0) (local.get $dxb)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 7)))))))))
                    (if (i32.and (local.get $yok2) (local.get $k2))
                      (then (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $row2) (i32.add (local.get $col0) (local.get $dxb2)))) (v128.load (i32.add (local.get $wq) (i32.mul (local.get $tap) (i32.const 8)))))))))
                  ))
                (local.set $lanes (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
                  (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
                (local.set $fast (i32.and (local.get $clamp) (i32.eq (local.get $lanes) (i32.const 4))))
                (local.set $op (i32.add (local.get $obase) (local.get $cb)))
                (if (local.get $fast)
                  (then (v128.store (local.get $op) (f32x4.min (f32x4.max (local.get $a0) (local.get $lo_v)) (local.get $hi_v))))
                  (else (call $store_activated (local.get $op) (local.get $a0) (local.get $lanes) (local.get $act) (local.get $slope))))
                (br_if $single_c (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 16))) (local.get $pix))))
              (local.set $obase (i32.add (local.get $obase) (local.get $pix)))
              (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
              (br $x_loop)))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )
  ;; ---------------------------------------------------------------------------------------
  ;; depthwise5x5: `depthwise` for 5x5 filters (MobileNetV3, EfficientNet). Along a row, four
  ;; outputs at a time at stride 1 or 2 (taps one pixel apart) whose windows lie inside the
  ;; input's width, four channels at a time: one filter row in registers at a time and each
  ;; input vector loaded once for every output it feeds, so a product costs 0.65 (stride 1) or
  ;; 0.8 (stride 2) loads instead of two. Eight outputs at a time where eight are left: each
  ;; output is a chain of 25 dependent adds, and eight chains in flight rather than four ran
  ;; MobileNetV3-Large's 28x28x120 steps 1.11x to 1.12x faster and its 56x56x72 stride-2 one
  ;; 1.07x (28x28x240 1.17x, 14x14 1.09x in a kernel micro-benchmark; they need 15 of x64's 16
  ;; vector registers). A
  ;; never-taken branch (pix is never negative) after each input column ends TurboFan's basic
  ;; block, which would otherwise load the whole row first and spill: 1.1 to 1.15x. The other
  ;; outputs (the borders, what is left of the
  ;; blocks, every output at other strides or with dilation along the width) take the taps one
  ;; by one, checking each column, sixteen channels at a time: each output is a chain of 25
  ;; dependent adds, and four chains in flight rather than one ran them 2.1x faster (7x7x960,
  ;; where no block fits: 10 to 21 GFLOP/s). Either
  ;; way a filter row or column in the padding adds nothing, and each channel's sum is the same
  ;; float operations in the same order on every path.
  (func (export "depthwise5x5")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $act i32) (param $slope f32)
    (param $oy0 i32) (param $oy1 i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32) (local $iy i32)
    (local $ky i32) (local $lo i32) (local $hi i32) (local $lanes i32)
    (local $pix i32) (local $rowb i32) (local $tap i32) (local $tap2 i32) (local $tap3 i32) (local $tap4 i32) (local $tap5 i32)
    (local $cb i32) (local $dxb i32) (local $dyb i32) (local $rp i32) (local $ip i32) (local $wp i32)
    (local $obase i32) (local $plane i32) (local $row0 i32) (local $quad i32) (local $q0 i32) (local $q1 i32) (local $row_base i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b v128) (local $acc v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128) (local $hardswish i32) (local $deferred i32)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    ;; hardswish is written out where it is stored, as $activate computes it: a call costs more
    ;; than the taps (V8 spills the live vectors around it). So leaky relu, hardsigmoid,
    ;; sigmoid, silu and tanh store the sums as they are and go through $activate_all over each
    ;; output row afterwards (the same function on the same values: the same bits).
    (local.set $hardswish (i32.eq (local.get $act) (i32.const 5)))
    (local.set $deferred (call $is_deferred (local.get $act)))
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $W) (local.get $pix)))
    (local.set $tap (i32.shl (i32.and (i32.add (local.get $C) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $tap2 (i32.shl (local.get $tap) (i32.const 1)))
    (local.set $tap3 (i32.add (local.get $tap2) (local.get $tap)))
    (local.set $tap4 (i32.shl (local.get $tap) (i32.const 2)))
    (local.set $tap5 (i32.add (local.get $tap4) (local.get $tap)))
    (local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
    (local.set $dyb (i32.mul (local.get $DH) (local.get $rowb)))
    ;; Four outputs at a time at stride 1 or 2 along a row of taps one pixel apart.
    (local.set $quad (i32.and (i32.le_u (i32.sub (local.get $SW) (i32.const 1)) (i32.const 1)) (i32.eq (local.get $DW) (i32.const 1))))
    ;; Output columns whose window lies inside the input: lo <= ox < hi.
    (local.set $lo (i32.div_s (i32.add (local.get $PL) (i32.sub (local.get $SW) (i32.const 1))) (local.get $SW)))
    (local.set $hi (i32.sub (i32.add (local.get $W) (local.get $PL)) (i32.add (i32.shl (local.get $DW) (i32.const 2)) (i32.const 1))))
    (local.set $hi (select (i32.add (i32.div_s (local.get $hi) (local.get $SW)) (i32.const 1)) (i32.const 0)
      (i32.ge_s (local.get $hi) (i32.const 0))))
    (if (i32.gt_s (local.get $hi) (local.get $OW)) (then (local.set $hi (local.get $OW))))
    ;; The four-output blocks cover [q0, q1), from lo on; the other outputs go one at a time.
    (local.set $q0 (i32.const 0)) (local.set $q1 (i32.const 0))
    (if (i32.and (local.get $quad) (i32.ge_s (i32.sub (local.get $hi) (local.get $lo)) (i32.const 4)))
      (then
        (local.set $q0 (local.get $lo))
        (local.set $q1 (i32.add (local.get $lo) (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const -4))))))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $plane (i32.add (local.get $x) (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $rowb))))
      (local.set $oy (local.get $oy0))
      (block $oy_done (loop $oy_loop
        (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
        (local.set $row0 (i32.add (local.get $plane) (i32.mul (local.get $iy0) (local.get $rowb))))
        (local.set $row_base
          (i32.add (local.get $out)
            (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix))))
        ;; The four-output blocks, four channels at a time.
        (local.set $cb (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.ge_u (local.get $cb) (local.get $pix)))
          (local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
          (local.set $lanes
            (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
              (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
          (local.set $obase
            (i32.add (i32.add (local.get $row_base) (i32.mul (local.get $q0) (local.get $pix))) (local.get $cb)))
          (local.set $ox (local.get $q0))
          (block $x_done (loop $x_loop
            (br_if $x_done (i32.ge_u (local.get $ox) (local.get $q1)))
            (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
            (if (i32.eq (local.get $SW) (i32.const 1))
              (then
                ;; Eight outputs at stride 1 where eight are left: eight chains of adds in flight
                ;; where four wait on each add's latency; each filter row loads five filter vectors
                ;; and twelve input vectors for forty products.
                (if (i32.le_u (i32.add (local.get $ox) (i32.const 8)) (local.get $q1))
                  (then
                    (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b)) (local.set $a4 (local.get $b)) (local.set $a5 (local.get $b)) (local.set $a6 (local.get $b)) (local.set $a7 (local.get $b))
                    (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                    (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                    (local.set $ky (i32.const 5))
                    (local.set $iy (local.get $iy0))
                    (loop $oct1_rows
                      ;; A filter row in the padding adds nothing.
                      (if (i32.lt_u (local.get $iy) (local.get $H))
                        (then
                          (local.set $w0 (v128.load (local.get $wp)))
                          (local.set $w1 (v128.load (i32.add (local.get $wp) (local.get $tap))))
                          (local.set $w2 (v128.load (i32.add (local.get $wp) (local.get $tap2))))
                          (local.set $w3 (v128.load (i32.add (local.get $wp) (local.get $tap3))))
                          (local.set $w4 (v128.load (i32.add (local.get $wp) (local.get $tap4))))
                          (local.set $ip (local.get $rp))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -21)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -22)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -23)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -24)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -25)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -26)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -27)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -28)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -29)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w2))))
                          (if (i32.ne (local.get $pix) (i32.const -30)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w3))))
                          (if (i32.ne (local.get $pix) (i32.const -31)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w4))))
                          ))))))))))))))))))))))
                        ))
                      (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                      (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                      (br_if $oct1_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                    (@activate_in_place $a0)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (local.get $obase) (local.get $a0)))
                      (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                    (@activate_in_place $a1)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                    (@activate_in_place $a2)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                    (@activate_in_place $a3)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                    (@activate_in_place $a4)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 4))) (local.get $a4)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 4))) (local.get $a4) (local.get $a4) (local.get $lanes))))
                    (@activate_in_place $a5)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 5))) (local.get $a5)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 5))) (local.get $a5) (local.get $a5) (local.get $lanes))))
                    (@activate_in_place $a6)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 6))) (local.get $a6)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 6))) (local.get $a6) (local.get $a6) (local.get $lanes))))
                    (@activate_in_place $a7)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 7))) (local.get $a7)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 7))) (local.get $a7) (local.get $a7) (local.get $lanes))))
                    (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 3))))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 8)))
                    (br $x_loop)))
                ;; Four outputs at stride 1: each filter row loads five filter vectors and eight
                ;; input vectors for twenty products.
                (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                (local.set $ky (i32.const 5))
                (local.set $iy (local.get $iy0))
                (loop $quad1_rows
                  ;; A filter row in the padding adds nothing.
                  (if (i32.lt_u (local.get $iy) (local.get $H))
                    (then
                      (local.set $w0 (v128.load (local.get $wp)))
                      (local.set $w1 (v128.load (i32.add (local.get $wp) (local.get $tap))))
                      (local.set $w2 (v128.load (i32.add (local.get $wp) (local.get $tap2))))
                      (local.set $w3 (v128.load (i32.add (local.get $wp) (local.get $tap3))))
                      (local.set $w4 (v128.load (i32.add (local.get $wp) (local.get $tap4))))
                      (local.set $ip (local.get $rp))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -1)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -2)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -3)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -4)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                      (if (i32.ne (local.get $pix) (i32.const -5)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                      (if (i32.ne (local.get $pix) (i32.const -6)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                      (if (i32.ne (local.get $pix) (i32.const -7)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                      ))))))))))))))
                    ))
                  (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                  (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                  (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                  (br_if $quad1_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                (@activate_in_place $a0)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (local.get $obase) (local.get $a0)))
                  (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                (@activate_in_place $a1)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                (@activate_in_place $a2)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                (@activate_in_place $a3)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 2))))
                (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                (br $x_loop)
              )
              (else
                ;; Eight outputs at stride 2 where eight are left, as at stride 1: each filter row
                ;; loads five filter vectors and nineteen input vectors for forty products.
                (if (i32.le_u (i32.add (local.get $ox) (i32.const 8)) (local.get $q1))
                  (then
                    (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b)) (local.set $a4 (local.get $b)) (local.set $a5 (local.get $b)) (local.set $a6 (local.get $b)) (local.set $a7 (local.get $b))
                    (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                    (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                    (local.set $ky (i32.const 5))
                    (local.set $iy (local.get $iy0))
                    (loop $oct2_rows
                      ;; A filter row in the padding adds nothing.
                      (if (i32.lt_u (local.get $iy) (local.get $H))
                        (then
                          (local.set $w0 (v128.load (local.get $wp)))
                          (local.set $w1 (v128.load (i32.add (local.get $wp) (local.get $tap))))
                          (local.set $w2 (v128.load (i32.add (local.get $wp) (local.get $tap2))))
                          (local.set $w3 (v128.load (i32.add (local.get $wp) (local.get $tap3))))
                          (local.set $w4 (v128.load (i32.add (local.get $wp) (local.get $tap4))))
                          (local.set $ip (local.get $rp))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -41)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -42)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -43)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -44)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -45)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -46)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -47)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -48)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -49)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -50)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -51)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -52)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -53)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -54)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w0))))
                          (if (i32.ne (local.get $pix) (i32.const -55)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w1))))
                          (if (i32.ne (local.get $pix) (i32.const -56)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w2))))
                          (if (i32.ne (local.get $pix) (i32.const -57)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w3))))
                          (if (i32.ne (local.get $pix) (i32.const -58)) (then
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $w4))))
                          ))))))))))))))))))))))))))))))))))))
                        ))
                      (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                      (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                      (br_if $oct2_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                    (@activate_in_place $a0)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (local.get $obase) (local.get $a0)))
                      (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                    (@activate_in_place $a1)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                    (@activate_in_place $a2)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                    (@activate_in_place $a3)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                    (@activate_in_place $a4)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 4))) (local.get $a4)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 4))) (local.get $a4) (local.get $a4) (local.get $lanes))))
                    (@activate_in_place $a5)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 5))) (local.get $a5)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 5))) (local.get $a5) (local.get $a5) (local.get $lanes))))
                    (@activate_in_place $a6)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 6))) (local.get $a6)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 6))) (local.get $a6) (local.get $a6) (local.get $lanes))))
                    (@activate_in_place $a7)
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 7))) (local.get $a7)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 7))) (local.get $a7) (local.get $a7) (local.get $lanes))))
                    (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 3))))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 8)))
                    (br $x_loop)))
                ;; Four outputs at stride 2: each filter row loads five filter vectors and eleven
                ;; input vectors for twenty products.
                (local.set $a0 (local.get $b)) (local.set $a1 (local.get $b)) (local.set $a2 (local.get $b)) (local.set $a3 (local.get $b))
                (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                (local.set $ky (i32.const 5))
                (local.set $iy (local.get $iy0))
                (loop $quad2_rows
                  ;; A filter row in the padding adds nothing.
                  (if (i32.lt_u (local.get $iy) (local.get $H))
                    (then
                      (local.set $w0 (v128.load (local.get $wp)))
                      (local.set $w1 (v128.load (i32.add (local.get $wp) (local.get $tap))))
                      (local.set $w2 (v128.load (i32.add (local.get $wp) (local.get $tap2))))
                      (local.set $w3 (v128.load (i32.add (local.get $wp) (local.get $tap3))))
                      (local.set $w4 (v128.load (i32.add (local.get $wp) (local.get $tap4))))
                      (local.set $ip (local.get $rp))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -8)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                      (if (i32.ne (local.get $pix) (i32.const -9)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -10)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                      (if (i32.ne (local.get $pix) (i32.const -11)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -12)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                      (if (i32.ne (local.get $pix) (i32.const -13)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                      (if (i32.ne (local.get $pix) (i32.const -14)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                      (if (i32.ne (local.get $pix) (i32.const -15)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                      (if (i32.ne (local.get $pix) (i32.const -16)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                      (if (i32.ne (local.get $pix) (i32.const -17)) (then
                      (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                      (local.set $v (v128.load (local.get $ip)))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                      ))))))))))))))))))))
                    ))
                  (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                  (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                  (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                  (br_if $quad2_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                (@activate_in_place $a0)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (local.get $obase) (local.get $a0)))
                  (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                (@activate_in_place $a1)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                (@activate_in_place $a2)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                (@activate_in_place $a3)
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                  (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 2))))
                (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                (br $x_loop)
              ))))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br $c_loop)))
        ;; The other outputs one at a time (each a chain of 25 dependent adds), sixteen channels
        ;; at a time, four chains in flight, then the channels left four at a time. A column or a row
        ;; in the padding adds nothing.
        (local.set $ox (i32.const 0))
        (block $singles_done (loop $singles
          (if (i32.eq (local.get $ox) (local.get $q0)) (then (local.set $ox (local.get $q1))))
          (br_if $singles_done (i32.ge_u (local.get $ox) (local.get $OW)))
          (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
          (local.set $cb (i32.const 0))
          (block $lines_done (loop $lines
            (br_if $lines_done (i32.gt_u (i32.add (local.get $cb) (i32.const 64)) (local.get $pix)))
            (local.set $ip (i32.add (local.get $bias) (local.get $cb)))
            (local.set $a0 (v128.load (local.get $ip))) (local.set $a1 (v128.load offset=16 (local.get $ip)))
            (local.set $a2 (v128.load offset=32 (local.get $ip))) (local.set $a3 (v128.load offset=48 (local.get $ip)))
            (local.set $wp (i32.add (local.get $w) (local.get $cb)))
            (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
            (local.set $iy (local.get $iy0))
            (local.set $ky (i32.const 5))
            (loop $line_rows
              (if (i32.lt_u (local.get $iy) (local.get $H))
                (then
                  (if (i32.lt_u (local.get $ix0) (local.get $W))
                    (then
                      (local.set $ip (local.get $rp))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ip)) (v128.load (local.get $wp)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (local.get $wp)))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (local.get $wp)))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (local.get $wp)))))
                    ))
                  (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 1))) (local.get $W))
                    (then
                      (local.set $ip (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 1))))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ip)) (v128.load (i32.add (local.get $wp) (local.get $tap))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (i32.add (local.get $wp) (local.get $tap))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (i32.add (local.get $wp) (local.get $tap))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (i32.add (local.get $wp) (local.get $tap))))))
                    ))
                  (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 2))) (local.get $W))
                    (then
                      (local.set $ip (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 2))))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ip)) (v128.load (i32.add (local.get $wp) (local.get $tap2))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (i32.add (local.get $wp) (local.get $tap2))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (i32.add (local.get $wp) (local.get $tap2))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (i32.add (local.get $wp) (local.get $tap2))))))
                    ))
                  (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 3))) (local.get $W))
                    (then
                      (local.set $ip (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 3))))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ip)) (v128.load (i32.add (local.get $wp) (local.get $tap3))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (i32.add (local.get $wp) (local.get $tap3))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (i32.add (local.get $wp) (local.get $tap3))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (i32.add (local.get $wp) (local.get $tap3))))))
                    ))
                  (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 4))) (local.get $W))
                    (then
                      (local.set $ip (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 4))))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ip)) (v128.load (i32.add (local.get $wp) (local.get $tap4))))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ip)) (v128.load offset=16 (i32.add (local.get $wp) (local.get $tap4))))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ip)) (v128.load offset=32 (i32.add (local.get $wp) (local.get $tap4))))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ip)) (v128.load offset=48 (i32.add (local.get $wp) (local.get $tap4))))))
                    ))
                ))
              (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
              (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
              (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
              (br_if $line_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
            (local.set $obase (i32.add (i32.add (local.get $row_base) (i32.mul (local.get $ox) (local.get $pix))) (local.get $cb)))
            (@activate_in_place $a0)
            (v128.store (local.get $obase) (local.get $a0))
            (@activate_in_place $a1)
            (v128.store offset=16 (local.get $obase) (local.get $a1))
            (@activate_in_place $a2)
            (v128.store offset=32 (local.get $obase) (local.get $a2))
            (@activate_in_place $a3)
            (v128.store offset=48 (local.get $obase) (local.get $a3))
            (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
            (br $lines)))
          (block $rest_done (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $cb) (local.get $pix)))
            (local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
            (local.set $lanes
              (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
                (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
            (local.set $obase (i32.add (i32.add (local.get $row_base) (i32.mul (local.get $ox) (local.get $pix))) (local.get $cb)))
              ;; One output: the taps one by one, skipping those in the padding.
              (local.set $acc (local.get $b))
              (local.set $wp (i32.add (local.get $w) (local.get $cb)))
              (local.set $rp (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
              (local.set $iy (local.get $iy0))
              (local.set $ky (i32.const 5))
              (loop $rows
                (if (i32.lt_u (local.get $iy) (local.get $H))
                  (then
                    (if (i32.lt_u (local.get $ix0) (local.get $W))
                      (then (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $rp)) (v128.load (local.get $wp)))))))
                    (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 1))) (local.get $W))
                      (then (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 1)))) (v128.load (i32.add (local.get $wp) (local.get $tap))))))))
                    (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 2))) (local.get $W))
                      (then (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 2)))) (v128.load (i32.add (local.get $wp) (local.get $tap2))))))))
                    (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 3))) (local.get $W))
                      (then (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 3)))) (v128.load (i32.add (local.get $wp) (local.get $tap3))))))))
                    (if (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const 4))) (local.get $W))
                      (then (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $rp) (i32.mul (local.get $dxb) (i32.const 4)))) (v128.load (i32.add (local.get $wp) (local.get $tap4))))))))
                  ))
                (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                (br_if $rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
              (@activate_in_place $acc)
              (if (i32.eq (local.get $lanes) (i32.const 4))
                (then (v128.store (local.get $obase) (local.get $acc)))
                (else (call $store_lanes (local.get $obase) (local.get $acc) (local.get $acc) (local.get $lanes))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $rest)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $singles)))
        (if (local.get $deferred)
          (then (call $activate_all (local.get $row_base) (local.get $row_base) (i32.mul (local.get $OW) (local.get $C)) (local.get $act) (local.get $slope))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; The element-wise steps, here rather than in JavaScript for their speed (five to ten times
  ;; the runtime's loops), each over a range [$i0, $i1) that the threads split among them
  ;; (src/runtime/threads.ts, split "range"); the whole step is the range 0 to its length. A range
  ;; starts at a multiple of four; its last vector may be partial, read whole and stored lane by
  ;; lane. Each gives bit for bit what the runtime's loops give: a sum or product of two floats
  ;; rounds the same in float64 and float32, and the global average pool sums in float64.

  ;; elementwise_add: out[i] = act(a[i] + b[i]) for $i0 <= i < $i1 (floats): a residual join.
  (func (export "elementwise_add") (param $a i32) (param $b i32) (param $out i32) (param $act i32) (param $slope f32)
    (param $i0 i32) (param $i1 i32)
    (local $end i32) (local $v v128)
    (local.set $a (i32.add (local.get $a) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $out (i32.add (local.get $out) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const -4)) (i32.const 2))))
    (if (i32.eqz (local.get $act))
      (then
        (block $done (loop $vectors
          (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
          (v128.store (local.get $out) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $vectors))))
      (else
        (block $done (loop $vectors
          (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
          (v128.store (local.get $out)
            (call $activate (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))) (local.get $act) (local.get $slope)))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $vectors)))))
    (if (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const 3))
      (then
        (local.set $v
          (call $activate (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))) (local.get $act) (local.get $slope)))
        (call $store_lanes (local.get $out) (local.get $v) (local.get $v) (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const 3))))))

  ;; elementwise_mul: out[i] = a[i] · b[i] for $i0 <= i < $i1 (floats).
  (func (export "elementwise_mul") (param $a i32) (param $b i32) (param $out i32) (param $i0 i32) (param $i1 i32)
    (local $end i32) (local $v v128)
    (local.set $a (i32.add (local.get $a) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $out (i32.add (local.get $out) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const -4)) (i32.const 2))))
    (block $done (loop $vectors
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (v128.store (local.get $out) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $vectors)))
    (if (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const 3))
      (then
        (local.set $v (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
        (call $store_lanes (local.get $out) (local.get $v) (local.get $v) (i32.and (i32.sub (local.get $i1) (local.get $i0)) (i32.const 3))))))

  ;; mul_channels: out[n, p, c] = x[n, p, c] · gate[n, c] for pixels $p0 <= p < $p1 of each of
  ;; the $N samples ($P pixels of $C channels each): squeeze-and-excitation's gate.
  (func (export "mul_channels") (param $x i32) (param $gate i32) (param $out i32)
    (param $N i32) (param $P i32) (param $C i32) (param $p0 i32) (param $p1 i32)
    (local $n i32) (local $pix i32) (local $at i32) (local $end i32) (local $cb i32) (local $g i32) (local $v v128)
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $g (i32.add (local.get $gate) (i32.mul (local.get $n) (local.get $pix))))
      (local.set $at (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p0)) (local.get $pix)))
      (local.set $end (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p1)) (local.get $pix)))
      (block $p_done (loop $p_loop
        (br_if $p_done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.gt_u (i32.add (local.get $cb) (i32.const 16)) (local.get $pix)))
          (v128.store (i32.add (local.get $out) (i32.add (local.get $at) (local.get $cb)))
            (f32x4.mul
              (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $cb))))
              (v128.load (i32.add (local.get $g) (local.get $cb)))))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br $c_loop)))
        (if (i32.lt_u (local.get $cb) (local.get $pix))
          (then
            (local.set $v
              (f32x4.mul
                (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $cb))))
                (v128.load (i32.add (local.get $g) (local.get $cb)))))
            (call $store_lanes (i32.add (local.get $out) (i32.add (local.get $at) (local.get $cb)))
              (local.get $v) (local.get $v) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2)))))
        (local.set $at (i32.add (local.get $at) (local.get $pix)))
        (br $p_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop))))

  ;; ---------------------------------------------------------------------------------------
  ;; window_pool: max or average pooling of one sample, x [H, W, C] to out [OH, OW, C], output
  ;; rows $oy0 <= oy < $oy1, windows of KH x KW taps $SH, $SW apart, $PT and $PL of padding
  ;; before. Four channels at a time, the taps row by row as the runtime's loop
  ;; (src/runtime/pooling.ts) takes them, with its rules and so its bits: the padding is left out
  ;; (max as -inf, the mean divides by the taps inside), the mean is summed and divided in
  ;; float64, and of a max a value replaces the one kept if it is greater or NaN (the first of
  ;; equal values, -0 or 0, is kept). A max takes sixteen channels at a time where they are
  ;; whole (four chains of that rule in flight: one alone is bound by its latency), then four; a
  ;; tail of channels is loaded whole and stored lane by lane.
  (func (export "window_pool") (param $x i32) (param $out i32) (param $H i32) (param $W i32) (param $C i32)
    (param $OH i32) (param $OW i32) (param $KH i32) (param $KW i32) (param $SH i32) (param $SW i32)
    (param $PT i32) (param $PL i32) (param $max i32) (param $oy0 i32) (param $oy1 i32)
    (local $pix i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $y i32) (local $xx i32) (local $cb i32) (local $ip i32) (local $o i32)
    (local $acc v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $v v128)
    (local $lo v128) (local $hi v128) (local $count v128)
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $o (i32.add (local.get $out) (i32.mul (i32.mul (local.get $oy0) (local.get $OW)) (local.get $pix))))
    (local.set $oy (local.get $oy0))
    (block $oy_done (loop $oy_loop
      (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
      ;; The window's rows inside the input, [y0, y1) (signed: it may start in the padding).
      (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
      (local.set $y1 (i32.add (local.get $y0) (local.get $KH)))
      (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $H)) (then (local.set $y1 (local.get $H))))
      (local.set $ox (i32.const 0))
      (block $ox_done (loop $ox_loop
        (br_if $ox_done (i32.ge_u (local.get $ox) (local.get $OW)))
        (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $KW)))
        (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $W)) (then (local.set $x1 (local.get $W))))
        (local.set $cb (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.ge_u (local.get $cb) (local.get $pix)))
          ;; A max over sixteen whole channels: four chains of the rule in flight, not one.
          (if (i32.and (local.get $max) (i32.le_u (i32.add (local.get $cb) (i32.const 64)) (local.get $pix)))
            (then
              (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
              (local.set $acc1 (local.get $acc)) (local.set $acc2 (local.get $acc)) (local.set $acc3 (local.get $acc))
              (local.set $y (local.get $y0))
              (block $y16_done (loop $y16_loop
                (br_if $y16_done (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $ip (i32.add (local.get $x)
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $y) (local.get $W)) (local.get $x0)) (local.get $pix))
                    (local.get $cb))))
                (local.set $xx (local.get $x0))
                (block $x16_done (loop $x16_loop
                  (br_if $x16_done (i32.ge_s (local.get $xx) (local.get $x1)))
                  (local.set $v (v128.load (local.get $ip)))
                  (local.set $acc (v128.bitselect (local.get $v) (local.get $acc)
                    (v128.or (f32x4.gt (local.get $v) (local.get $acc)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $v (v128.load offset=16 (local.get $ip)))
                  (local.set $acc1 (v128.bitselect (local.get $v) (local.get $acc1)
                    (v128.or (f32x4.gt (local.get $v) (local.get $acc1)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $v (v128.load offset=32 (local.get $ip)))
                  (local.set $acc2 (v128.bitselect (local.get $v) (local.get $acc2)
                    (v128.or (f32x4.gt (local.get $v) (local.get $acc2)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $v (v128.load offset=48 (local.get $ip)))
                  (local.set $acc3 (v128.bitselect (local.get $v) (local.get $acc3)
                    (v128.or (f32x4.gt (local.get $v) (local.get $acc3)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                  (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
                  (br $x16_loop)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $y16_loop)))
              (v128.store (i32.add (local.get $o) (local.get $cb)) (local.get $acc))
              (v128.store offset=16 (i32.add (local.get $o) (local.get $cb)) (local.get $acc1))
              (v128.store offset=32 (i32.add (local.get $o) (local.get $cb)) (local.get $acc2))
              (v128.store offset=48 (i32.add (local.get $o) (local.get $cb)) (local.get $acc3))
              (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
              (br $c_loop)))
          (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
          (local.set $lo (f64x2.splat (f64.const 0)))
          (local.set $hi (local.get $lo))
          (local.set $y (local.get $y0))
          (block $y_done (loop $y_loop
            (br_if $y_done (i32.ge_s (local.get $y) (local.get $y1)))
            (local.set $ip (i32.add (local.get $x)
              (i32.add (i32.mul (i32.add (i32.mul (local.get $y) (local.get $W)) (local.get $x0)) (local.get $pix))
                (local.get $cb))))
            (local.set $xx (local.get $x0))
            (block $x_done (loop $x_loop
              (br_if $x_done (i32.ge_s (local.get $xx) (local.get $x1)))
              (local.set $v (v128.load (local.get $ip)))
              (if (local.get $max)
                (then
                  (local.set $acc (v128.bitselect (local.get $v) (local.get $acc)
                    (v128.or (f32x4.gt (local.get $v) (local.get $acc)) (f32x4.ne (local.get $v) (local.get $v))))))
                (else
                  (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $v))))
                  (local.set $hi (f64x2.add (local.get $hi)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))))
              (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
              (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
              (br $x_loop)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $y_loop)))
          (if (i32.eqz (local.get $max))
            (then
              (local.set $count (f64x2.splat (f64.convert_i32_s
                (i32.mul (i32.sub (local.get $y1) (local.get $y0)) (i32.sub (local.get $x1) (local.get $x0))))))
              (local.set $acc
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (f64x2.div (local.get $lo) (local.get $count)))
                  (f32x4.demote_f64x2_zero (f64x2.div (local.get $hi) (local.get $count)))))))
          (call $store_lanes (i32.add (local.get $o) (local.get $cb)) (local.get $acc) (local.get $acc)
            (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
              (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br $c_loop)))
        (local.set $o (i32.add (local.get $o) (local.get $pix)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $ox_loop)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $oy_loop))))

  ;; copy_channels: $channels consecutive floats of pixels $p0 <= p < $p1, pixels $from_stride
  ;; bytes apart at $from and $to_stride apart at $to (a concat's input into its channels of the
  ;; output, a slice's channels out of its input). Whole vectors, then the last one to three
  ;; floats one by one (the next channels belong to another part), as integers: every bit kept.
  (func (export "copy_channels") (param $from i32) (param $from_stride i32) (param $to i32) (param $to_stride i32)
    (param $channels i32) (param $p0 i32) (param $p1 i32)
    (local $pixels i32) (local $vectors i32) (local $tail i32) (local $i i32)
    (local.set $from (i32.add (local.get $from) (i32.mul (local.get $p0) (local.get $from_stride))))
    (local.set $to (i32.add (local.get $to) (i32.mul (local.get $p0) (local.get $to_stride))))
    (local.set $pixels (i32.sub (local.get $p1) (local.get $p0)))
    (local.set $vectors (i32.shl (i32.shr_u (local.get $channels) (i32.const 2)) (i32.const 4)))
    (local.set $tail (i32.and (local.get $channels) (i32.const 3)))
    (block $done (loop $pixel_loop
      (br_if $done (i32.le_s (local.get $pixels) (i32.const 0)))
      (local.set $i (i32.const 0))
      (block $vectors_done (loop $vector_loop
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vectors)))
        (v128.store (i32.add (local.get $to) (local.get $i)) (v128.load (i32.add (local.get $from) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector_loop)))
      (if (local.get $tail)
        (then
          (i32.store (i32.add (local.get $to) (local.get $i)) (i32.load (i32.add (local.get $from) (local.get $i))))
          (if (i32.gt_u (local.get $tail) (i32.const 1))
            (then (i32.store offset=4 (i32.add (local.get $to) (local.get $i)) (i32.load offset=4 (i32.add (local.get $from) (local.get $i))))))
          (if (i32.gt_u (local.get $tail) (i32.const 2))
            (then (i32.store offset=8 (i32.add (local.get $to) (local.get $i)) (i32.load offset=8 (i32.add (local.get $from) (local.get $i))))))))
      (local.set $from (i32.add (local.get $from) (local.get $from_stride)))
      (local.set $to (i32.add (local.get $to) (local.get $to_stride)))
      (local.set $pixels (i32.sub (local.get $pixels) (i32.const 1)))
      (br $pixel_loop))))

  ;; shuffle_channels: ShuffleNet's channel shuffle of pixels $p0 <= p < $p1 of $C channels:
  ;; input channel g·(C / groups) + j becomes output channel j·groups + g. With two groups, four
  ;; j at a time: a vector of each half, interleaved by two shuffles; the j left over, and any
  ;; other number of groups, float by float, as integers (every bit kept).
  (func (export "shuffle_channels") (param $x i32) (param $out i32) (param $C i32) (param $groups i32)
    (param $p0 i32) (param $p1 i32)
    (local $pixels i32) (local $per i32) (local $pix i32) (local $j i32) (local $g i32) (local $a v128) (local $b v128)
    (local.set $per (i32.div_u (local.get $C) (local.get $groups)))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $x (i32.add (local.get $x) (i32.mul (local.get $p0) (local.get $pix))))
    (local.set $out (i32.add (local.get $out) (i32.mul (local.get $p0) (local.get $pix))))
    (local.set $pixels (i32.sub (local.get $p1) (local.get $p0)))
    (block $done (loop $pixel_loop
      (br_if $done (i32.le_s (local.get $pixels) (i32.const 0)))
      (local.set $j (i32.const 0))
      (if (i32.eq (local.get $groups) (i32.const 2))
        (then
          (block $pairs_done (loop $pairs
            (br_if $pairs_done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $per)))
            (local.set $a (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $b (v128.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $per) (local.get $j)) (i32.const 2)))))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $pairs)))))
      (block $j_done (loop $j_loop
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $per)))
        (local.set $g (i32.const 0))
        (block $g_done (loop $g_loop
          (br_if $g_done (i32.ge_u (local.get $g) (local.get $groups)))
          (i32.store
            (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $groups)) (local.get $g)) (i32.const 2)))
            (i32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $g) (local.get $per)) (local.get $j)) (i32.const 2)))))
          (local.set $g (i32.add (local.get $g) (i32.const 1)))
          (br $g_loop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $j_loop)))
      (local.set $x (i32.add (local.get $x) (local.get $pix)))
      (local.set $out (i32.add (local.get $out) (local.get $pix)))
      (local.set $pixels (i32.sub (local.get $pixels) (i32.const 1)))
      (br $pixel_loop))))

  ;; global_pool: out[n, c] = the mean (or, when $max, the maximum) of x[n, p, c] over the $P
  ;; pixels, for channels $c0 <= c < $c1 of each of the $N samples. Eight channels at a time
  ;; (then four), each pixel's vector added in turn, in float64 as the runtime's loop does, so
  ;; that a mean over thousands of pixels loses nothing. The maximum is the loop's rule, not
  ;; f32x4.max's: a value replaces the one kept if it is greater or NaN, so a NaN stays and of
  ;; equal values (-0 and 0) the first is kept.
  (func (export "global_pool") (param $x i32) (param $out i32) (param $N i32) (param $P i32) (param $C i32)
    (param $max i32) (param $c0 i32) (param $c1 i32)
    (local $n i32) (local $pix i32) (local $cb i32) (local $cend i32) (local $ip i32) (local $end i32) (local $lanes i32)
    (local $w v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $v v128) (local $u v128) (local $count v128)
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $count (f64x2.splat (f64.convert_i32_u (local.get $P))))
    (local.set $cend (i32.shl (local.get $c1) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $cb (i32.shl (local.get $c0) (i32.const 2)))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $cb) (local.get $cend)))
        (local.set $ip (i32.add (local.get $x) (i32.add (i32.mul (i32.mul (local.get $n) (local.get $P)) (local.get $pix)) (local.get $cb))))
        (local.set $end (i32.add (local.get $ip) (i32.mul (local.get $P) (local.get $pix))))
        (local.set $lanes (i32.shr_u (i32.sub (local.get $cend) (local.get $cb)) (i32.const 2)))
        (if (local.get $max)
          (then
            (local.set $v (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $u (local.get $v))
            (block $p_done (loop $p_loop
              (br_if $p_done (i32.ge_u (local.get $ip) (local.get $end)))
              (local.set $w (v128.load (local.get $ip)))
              (local.set $v (v128.bitselect (local.get $w) (local.get $v)
                (v128.or (f32x4.gt (local.get $w) (local.get $v)) (f32x4.ne (local.get $w) (local.get $w)))))
              (if (i32.gt_u (local.get $lanes) (i32.const 4))
                (then
                  (local.set $w (v128.load offset=16 (local.get $ip)))
                  (local.set $u (v128.bitselect (local.get $w) (local.get $u)
                    (v128.or (f32x4.gt (local.get $w) (local.get $u)) (f32x4.ne (local.get $w) (local.get $w)))))))
              (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
              (br $p_loop))))
          (else
            (local.set $s0 (f64x2.splat (f64.const 0)))
            (local.set $s1 (local.get $s0)) (local.set $s2 (local.get $s0)) (local.set $s3 (local.get $s0))
            (block $p_done (loop $p_loop
              (br_if $p_done (i32.ge_u (local.get $ip) (local.get $end)))
              (local.set $v (v128.load (local.get $ip)))
              (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
              (local.set $s1 (f64x2.add (local.get $s1)
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
              (if (i32.gt_u (local.get $lanes) (i32.const 4))
                (then
                  (local.set $v (v128.load offset=16 (local.get $ip)))
                  (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (local.get $v))))
                  (local.set $s3 (f64x2.add (local.get $s3)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))))
              (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
              (br $p_loop)))
            (local.set $v
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.div (local.get $s0) (local.get $count)))
                (f32x4.demote_f64x2_zero (f64x2.div (local.get $s1) (local.get $count)))))
            (local.set $u
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.div (local.get $s2) (local.get $count)))
                (f32x4.demote_f64x2_zero (f64x2.div (local.get $s3) (local.get $count)))))))
        (call $store_lanes
          (i32.add (local.get $out) (i32.add (i32.mul (local.get $n) (local.get $pix)) (local.get $cb)))
          (local.get $v) (local.get $u) (select (i32.const 8) (local.get $lanes) (i32.gt_u (local.get $lanes) (i32.const 8))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
        (br $c_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop))))
)
