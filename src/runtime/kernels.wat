;; dsnet's CPU kernels, in WebAssembly with 128-bit SIMD (four float32 lanes).
;;
;; Assembled by `npx tsx tools/build-runtime.ts` into kernels.generated.ts, which the CPU plan
;; (src/backends/cpu/plan.ts) and every module made by `dsnet compile --target ts` instantiate.
;; Everything is float32, activations NHWC; every pointer and stride argument is in bytes unless
;; its name says floats. A tail of fewer than four channels is loaded as a whole vector (reading
;; up to 12 bytes past the buffer: a neighbour's data inside the arena, slack after it) and only
;; its valid lanes are stored.
;;
;; Fused activations, by code:
;;   0 none   1 relu   2 relu6   3 leaky_relu(slope)   4 hardsigmoid   5 hardswish
;;   6 sigmoid   7 silu   8 tanh
;; (the last three through exp, which WebAssembly lacks: see $expm1_reduced; each is within
;; 1.6e-7 relative of the exact value, or half a subnormal step, test/kernel-activations.test.ts).

(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------------------------------
  ;; expm1_reduced: e^r - 1, where r = t - n·ln2 and n = nearest(t·log2 e) is given (as
  ;; floats), so |r| <= ln2/2. ln2 is split in two (Cody and Waite) so that n·ln2 loses nothing
  ;; for the n used here; the polynomial is Cephes' expf (degree 7, well under an ulp). Callers
  ;; add the 1 themselves, or keep it apart where that saves a rounding.
  (func $expm1_reduced (param $t v128) (param $n v128) (result v128)
    (local $r v128) (local $q v128)
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $t) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $q (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (f32x4.add (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $q)) (local.get $r)))

  ;; sigmoid (or, when $silu, x·sigmoid(x)) of four lanes, from e = e^-|x|, which never
  ;; overflows: sigmoid(x) = 1/(1+e) for x >= 0 and e/(1+e) for x < 0. e = (1+u)·2^n is kept
  ;; in its parts: the numerator is 1+u (x + x·u for silu) and the quotient is scaled by 2^n last,
  ;; in two halves, so that results below the normal range (x < -87) underflow gradually,
  ;; rounded once, instead of losing their digits. 1+e is rounded to d, whose error
  ;; (1+e) - d = e - (d-1) is exact: the quotient is corrected by it, which halves the worst
  ;; error. Below x = -110 both round to zero, so x is clamped there; NaN stays NaN (pmax and
  ;; pmin keep a NaN first operand).
  (func $sigmoid (param $v v128) (param $silu i32) (result v128)
    (local $x v128) (local $t v128) (local $k v128) (local $n v128) (local $u v128) (local $neg v128)
    (local $h v128) (local $s1 v128) (local $s2 v128) (local $e v128) (local $d v128) (local $q v128)
    (local.set $x (f32x4.pmax (local.get $v) (v128.const f32x4 -110 -110 -110 -110)))
    (local.set $t (f32x4.pmax (f32x4.neg (f32x4.abs (local.get $x))) (v128.const f32x4 -110 -110 -110 -110)))
    ;; n = nearest(t·log2 e): adding 1.5·2^23 rounds it into the low bits of k.
    (local.set $k (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $u (call $expm1_reduced (local.get $t) (local.get $n)))
    ;; 2^n = s1·s2, both normal for n >= -252: exponent bits (h + 127) << 23, h = n >> 1.
    (local.set $k (i32x4.sub (local.get $k) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
    (local.set $h (i32x4.shr_s (local.get $k) (i32.const 1)))
    (local.set $s1 (i32x4.shl (i32x4.add (local.get $h) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
    (local.set $s2 (i32x4.shl (i32x4.add (i32x4.sub (local.get $k) (local.get $h)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
    (local.set $e (f32x4.mul (f32x4.mul (f32x4.add (local.get $u) (v128.const f32x4 1 1 1 1)) (local.get $s1)) (local.get $s2)))
    (local.set $d (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1)))
    (local.set $neg (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)))
    ;; u where x < 0, else 0; then less the correction for d, (1+u)·((1+e) - d)/d.
    (local.set $u (v128.and (local.get $u) (local.get $neg)))
    (local.set $u
      (f32x4.sub (local.get $u)
        (f32x4.div
          (f32x4.mul
            (f32x4.add (local.get $u) (v128.const f32x4 1 1 1 1))
            (f32x4.sub (local.get $e) (f32x4.sub (local.get $d) (v128.const f32x4 1 1 1 1))))
          (local.get $d))))
    (local.set $q
      (f32x4.div
        (if (result v128) (local.get $silu)
          ;; x·u with x at most the largest float: silu(∞) = ∞, not ∞·0.
          (then (f32x4.add (local.get $x) (f32x4.mul (f32x4.pmin (local.get $x) (v128.const f32x4 3.4028234e38 3.4028234e38 3.4028234e38 3.4028234e38)) (local.get $u))))
          (else (f32x4.add (local.get $u) (v128.const f32x4 1 1 1 1))))
        (local.get $d)))
    (f32x4.mul
      (f32x4.mul (local.get $q) (v128.bitselect (local.get $s1) (v128.const f32x4 1 1 1 1) (local.get $neg)))
      (v128.bitselect (local.get $s2) (v128.const f32x4 1 1 1 1) (local.get $neg))))

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
    (local.set $k (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    ;; e = (1 + u)·2^n; 2^n's exponent bits are (n + 127) << 23, n being k's low bits.
    (local.set $e
      (f32x4.mul
        (f32x4.add (call $expm1_reduced (local.get $t) (local.get $n)) (v128.const f32x4 1 1 1 1))
        (i32x4.shl (i32x4.add (local.get $k) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    ;; |tanh x| by either, then x's sign (which keeps tanh(-0) = -0).
    (v128.or
      (v128.bitselect
        (f32x4.add (local.get $a) (f32x4.mul (f32x4.mul (local.get $a) (local.get $z)) (local.get $q)))
        (f32x4.div
          (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e))
          (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
        (f32x4.lt (local.get $a) (v128.const f32x4 0.625 0.625 0.625 0.625)))
      (v128.and (local.get $v) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

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
    ;; hardsigmoid(x) = relu6(x + 3) / 6; hardswish(x) = x * hardsigmoid(x)
    (local.set $zero
      (f32x4.div
        (f32x4.min
          (f32x4.max (f32x4.add (local.get $v) (v128.const f32x4 3 3 3 3)) (local.get $zero))
          (local.get $six))
        (local.get $six)))
    (if (i32.eq (local.get $act) (i32.const 4)) (then (return (local.get $zero))))
    (f32x4.mul (local.get $v) (local.get $zero)))

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
  ;; could not take; out may be x.
  (func (export "activate") (param $x i32) (param $out i32) (param $length i32) (param $act i32) (param $slope f32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $length) (i32.const -4)) (i32.const 2))))
    (block $done (loop $vectors
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $out) (call $activate (v128.load (local.get $x)) (local.get $act) (local.get $slope)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $vectors)))
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
    (local $x0 i32) (local $x1 i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
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
          (call $store_row (local.get $q)
            (f32x4.add (local.get $a0) (local.get $b0)) (f32x4.add (local.get $a1) (local.get $b1))
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (local.get $q) (i32.const 32))
              (f32x4.add (local.get $a2) (local.get $b2)) (f32x4.add (local.get $a3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))))
          (call $store_row (i32.add (local.get $q) (local.get $ldo))
            (f32x4.add (local.get $c0) (local.get $b0)) (f32x4.add (local.get $c1) (local.get $b1))
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (i32.add (local.get $q) (local.get $ldo)) (i32.const 32))
              (f32x4.add (local.get $c2) (local.get $b2)) (f32x4.add (local.get $c3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))))
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
            (local.get $ncols) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))
          (if (i32.gt_s (local.get $ncols) (i32.const 8))
            (then (call $store_row (i32.add (local.get $q) (i32.const 32))
              (f32x4.add (local.get $a2) (local.get $b2)) (f32x4.add (local.get $a3) (local.get $b3))
              (i32.sub (local.get $ncols) (i32.const 8)) (local.get $clamp) (local.get $lo_v) (local.get $hi_v) (local.get $act) (local.get $slope))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $panel_loop)))
      (local.set $p0 (local.get $pend))
      (br $chunks)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; depthwise: one KHxKW filter per channel (depth multiplier 1), NHWC, four channels per
  ;; vector. w is [KH][KW][Cp] and bias [Cp], Cp = C rounded up to a multiple of 4, zero padded.
  ;;
  ;; Output pixels whose window lies inside the input (the interior) take a path without any
  ;; bounds check; the border path tests each tap. Only output rows [$oy0, $oy1) of each sample
  ;; are computed (all of them: 0 and OH), so that threads can split a step by rows; the other
  ;; depthwise kernels take the same range.
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
    (local $acc v128)
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
  ;; depthwise3x3: `depthwise` for the common 3x3 case. For each output row and group of four
  ;; channels the nine filter vectors stay in registers while the row is swept, so each tap
  ;; costs one load; the interior is unrolled without bounds checks, the border checks each tap.
  (func (export "depthwise3x3")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
    (param $PT i32) (param $PL i32) (param $act i32) (param $slope f32)
    (param $oy0 i32) (param $oy1 i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32)
    (local $rows_inside i32) (local $lo i32) (local $hi i32) (local $lanes i32)
    (local $pix i32) (local $rowb i32) (local $tap i32) (local $cb i32)
    (local $dxb i32) (local $dxb2 i32) (local $dyb i32) (local $ip i32) (local $obase i32) (local $plane i32)
    (local $yok0 i32) (local $yok1 i32) (local $yok2 i32) (local $xok0 i32) (local $xok1 i32) (local $xok2 i32)
    (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $col0 i32) (local $col1 i32) (local $col2 i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128)
    (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128) (local $b v128) (local $acc v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128)
    (local $pairable i32) (local $pix3 i32) (local $acc2 v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
    (local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
    (local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $W) (local.get $pix)))
    (local.set $tap (i32.shl (i32.and (i32.add (local.get $C) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
    (local.set $dxb2 (i32.shl (local.get $dxb) (i32.const 1)))
    (local.set $dyb (i32.mul (local.get $DH) (local.get $rowb)))
    (local.set $pairable (i32.and (i32.eq (local.get $SW) (i32.const 1)) (i32.eq (local.get $DW) (i32.const 1))))
    (local.set $pix3 (i32.mul (local.get $pix) (i32.const 3)))
    ;; Output columns whose window lies inside the input: lo <= ox < hi.
    (local.set $lo (i32.div_s (i32.add (local.get $PL) (i32.sub (local.get $SW) (i32.const 1))) (local.get $SW)))
    (local.set $hi (i32.sub (i32.add (local.get $W) (local.get $PL)) (i32.add (i32.shl (local.get $DW) (i32.const 1)) (i32.const 1))))
    (local.set $hi (select (i32.add (i32.div_s (local.get $hi) (local.get $SW)) (i32.const 1)) (i32.const 0)
      (i32.ge_s (local.get $hi) (i32.const 0))))
    (if (i32.gt_s (local.get $hi) (local.get $OW)) (then (local.set $hi (local.get $OW))))
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
        (local.set $cb (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.ge_u (local.get $cb) (local.get $pix)))
          (local.set $w0 (v128.load (i32.add (local.get $w) (local.get $cb))))
          (local.set $w1 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (local.get $tap))))
          (local.set $w2 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 2)))))
          (local.set $w3 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 3)))))
          (local.set $w4 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 4)))))
          (local.set $w5 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 5)))))
          (local.set $w6 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 6)))))
          (local.set $w7 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 7)))))
          (local.set $w8 (v128.load (i32.add (i32.add (local.get $w) (local.get $cb)) (i32.mul (local.get $tap) (i32.const 8)))))
          (local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
          (local.set $lanes
            (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
              (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
          (local.set $obase
            (i32.add (i32.add (local.get $out)
              (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix)))
              (local.get $cb)))
          (local.set $ox (i32.const 0))
          (block $x_done (loop $x_loop
            (br_if $x_done (i32.ge_u (local.get $ox) (local.get $OW)))
            (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
            ;; Two neighbouring interior outputs at stride 1 share two of their three columns: each
            ;; filter row loads four input vectors for six products.
            (if (i32.and (i32.and (local.get $pairable) (local.get $rows_inside))
                  (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (i32.add (local.get $ox) (i32.const 1)) (local.get $hi))))
              (then
                (local.set $ip (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                (local.set $acc (local.get $b))
                (local.set $acc2 (local.get $b))
                (local.set $v0 (v128.load (local.get $ip)))
                (local.set $v1 (v128.load (i32.add (local.get $ip) (local.get $pix))))
                (local.set $v2 (v128.load (i32.add (local.get $ip) (local.get $dxb2))))
                (local.set $v3 (v128.load (i32.add (local.get $ip) (local.get $pix3))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.add (f32x4.add (f32x4.mul (local.get $v0) (local.get $w0)) (f32x4.mul (local.get $v1) (local.get $w1))) (f32x4.mul (local.get $v2) (local.get $w2)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.add (f32x4.add (f32x4.mul (local.get $v1) (local.get $w0)) (f32x4.mul (local.get $v2) (local.get $w1))) (f32x4.mul (local.get $v3) (local.get $w2)))))
                (local.set $ip (i32.add (local.get $ip) (local.get $dyb)))
                (local.set $v0 (v128.load (local.get $ip)))
                (local.set $v1 (v128.load (i32.add (local.get $ip) (local.get $pix))))
                (local.set $v2 (v128.load (i32.add (local.get $ip) (local.get $dxb2))))
                (local.set $v3 (v128.load (i32.add (local.get $ip) (local.get $pix3))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.add (f32x4.add (f32x4.mul (local.get $v0) (local.get $w3)) (f32x4.mul (local.get $v1) (local.get $w4))) (f32x4.mul (local.get $v2) (local.get $w5)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.add (f32x4.add (f32x4.mul (local.get $v1) (local.get $w3)) (f32x4.mul (local.get $v2) (local.get $w4))) (f32x4.mul (local.get $v3) (local.get $w5)))))
                (local.set $ip (i32.add (local.get $ip) (local.get $dyb)))
                (local.set $v0 (v128.load (local.get $ip)))
                (local.set $v1 (v128.load (i32.add (local.get $ip) (local.get $pix))))
                (local.set $v2 (v128.load (i32.add (local.get $ip) (local.get $dxb2))))
                (local.set $v3 (v128.load (i32.add (local.get $ip) (local.get $pix3))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.add (f32x4.add (f32x4.mul (local.get $v0) (local.get $w6)) (f32x4.mul (local.get $v1) (local.get $w7))) (f32x4.mul (local.get $v2) (local.get $w8)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.add (f32x4.add (f32x4.mul (local.get $v1) (local.get $w6)) (f32x4.mul (local.get $v2) (local.get $w7))) (f32x4.mul (local.get $v3) (local.get $w8)))))
                (if (local.get $clamp)
                  (then
                    (local.set $acc (f32x4.min (f32x4.max (local.get $acc) (local.get $lo_v)) (local.get $hi_v)))
                    (local.set $acc2 (f32x4.min (f32x4.max (local.get $acc2) (local.get $lo_v)) (local.get $hi_v))))
                  (else
                    (local.set $acc (call $activate (local.get $acc) (local.get $act) (local.get $slope)))
                    (local.set $acc2 (call $activate (local.get $acc2) (local.get $act) (local.get $slope)))))
                (if (i32.eq (local.get $lanes) (i32.const 4))
                  (then
                    (v128.store (local.get $obase) (local.get $acc))
                    (v128.store (i32.add (local.get $obase) (local.get $pix)) (local.get $acc2)))
                  (else
                    (call $store_lanes (local.get $obase) (local.get $acc) (local.get $acc) (local.get $lanes))
                    (call $store_lanes (i32.add (local.get $obase) (local.get $pix)) (local.get $acc2) (local.get $acc2) (local.get $lanes))))
                (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 1))))
                (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
                (br $x_loop)))
            (local.set $acc (local.get $b))
            (if (i32.and (local.get $rows_inside)
                  (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi))))
              (then
                (local.set $ip (i32.add (i32.add (local.get $row0) (i32.mul (local.get $ix0) (local.get $pix))) (local.get $cb)))
                ;; One partial sum per filter row: three short dependency chains instead of one long one.
                (local.set $s0 (f32x4.add (local.get $b) (f32x4.mul (v128.load (local.get $ip)) (local.get $w0))))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb))) (local.get $w1))))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb2))) (local.get $w2))))
                (local.set $ip (i32.add (local.get $ip) (local.get $dyb)))
                (local.set $s1 (f32x4.mul (v128.load (local.get $ip)) (local.get $w3)))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb))) (local.get $w4))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb2))) (local.get $w5))))
                (local.set $ip (i32.add (local.get $ip) (local.get $dyb)))
                (local.set $s2 (f32x4.mul (v128.load (local.get $ip)) (local.get $w6)))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb))) (local.get $w7))))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (v128.load (i32.add (local.get $ip) (local.get $dxb2))) (local.get $w8))))
                (local.set $acc (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (local.get $s2))))
              (else
                (local.set $xok0 (i32.lt_u (local.get $ix0) (local.get $W)))
                (local.set $xok1 (i32.lt_u (i32.add (local.get $ix0) (local.get $DW)) (local.get $W)))
                (local.set $xok2 (i32.lt_u (i32.add (local.get $ix0) (i32.shl (local.get $DW) (i32.const 1))) (local.get $W)))
                (local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
                (local.set $col1 (i32.add (local.get $col0) (local.get $dxb)))
                (local.set $col2 (i32.add (local.get $col1) (local.get $dxb)))
                    (if (i32.and (local.get $yok0) (local.get $xok0))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row0) (local.get $col0))) (local.get $w0))))))
                    (if (i32.and (local.get $yok0) (local.get $xok1))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row0) (local.get $col1))) (local.get $w1))))))
                    (if (i32.and (local.get $yok0) (local.get $xok2))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row0) (local.get $col2))) (local.get $w2))))))
                    (if (i32.and (local.get $yok1) (local.get $xok0))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row1) (local.get $col0))) (local.get $w3))))))
                    (if (i32.and (local.get $yok1) (local.get $xok1))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row1) (local.get $col1))) (local.get $w4))))))
                    (if (i32.and (local.get $yok1) (local.get $xok2))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row1) (local.get $col2))) (local.get $w5))))))
                    (if (i32.and (local.get $yok2) (local.get $xok0))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row2) (local.get $col0))) (local.get $w6))))))
                    (if (i32.and (local.get $yok2) (local.get $xok1))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row2) (local.get $col1))) (local.get $w7))))))
                    (if (i32.and (local.get $yok2) (local.get $xok2))
                      (then (local.set $acc (f32x4.add (local.get $acc)
                        (f32x4.mul (v128.load (i32.add (local.get $row2) (local.get $col2))) (local.get $w8))))))))
            ;; relu and relu6 (and none) inline as a clamp; whole vectors stored directly.
            (if (local.get $clamp)
              (then (local.set $acc (f32x4.min (f32x4.max (local.get $acc) (local.get $lo_v)) (local.get $hi_v))))
              (else (local.set $acc (call $activate (local.get $acc) (local.get $act) (local.get $slope)))))
            (if (i32.eq (local.get $lanes) (i32.const 4))
              (then (v128.store (local.get $obase) (local.get $acc)))
              (else (call $store_lanes (local.get $obase) (local.get $acc) (local.get $acc) (local.get $lanes))))
            (local.set $obase (i32.add (local.get $obase) (local.get $pix)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
            (br $x_loop)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br $c_loop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )

  ;; ---------------------------------------------------------------------------------------
  ;; depthwise5x5: `depthwise` for 5x5 filters (MobileNetV3, EfficientNet). Along a row, four
  ;; outputs at a time at stride 1 or 2 (taps one pixel apart) whose windows lie inside the
  ;; input's width: one filter row in registers at a time and each input vector loaded once for
  ;; every output it feeds, so a product costs 0.65 (stride 1) or 0.8 (stride 2) loads instead
  ;; of two. The other outputs take the taps one by one, checking each column. Either way a
  ;; filter row that falls in the padding is skipped whole.
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
    (local $obase i32) (local $plane i32) (local $row0 i32) (local $quad i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b v128) (local $acc v128)
    (local $clamp i32) (local $lo_v v128) (local $hi_v v128)
    (local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
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
    (local.set $n (i32.const 0))
    (block $n_done (loop $n_loop
      (br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $plane (i32.add (local.get $x) (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $rowb))))
      (local.set $oy (local.get $oy0))
      (block $oy_done (loop $oy_loop
        (br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
        (local.set $row0 (i32.add (local.get $plane) (i32.mul (local.get $iy0) (local.get $rowb))))
        (local.set $cb (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.ge_u (local.get $cb) (local.get $pix)))
          (local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
          (local.set $lanes
            (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
              (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))
          (local.set $obase
            (i32.add (i32.add (local.get $out)
              (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix)))
              (local.get $cb)))
          (local.set $ox (i32.const 0))
          (block $x_done (loop $x_loop
            (br_if $x_done (i32.ge_u (local.get $ox) (local.get $OW)))
            (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))
            (if (i32.and (local.get $quad)
                  (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (i32.add (local.get $ox) (i32.const 3)) (local.get $hi))))
              (then
                (if (i32.eq (local.get $SW) (i32.const 1))
                  (then
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
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                        ))
                      (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                      (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                      (br_if $quad1_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                    (if (local.get $clamp)
                      (then (local.set $a0 (f32x4.min (f32x4.max (local.get $a0) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a0 (call $activate (local.get $a0) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (local.get $obase) (local.get $a0)))
                      (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a1 (f32x4.min (f32x4.max (local.get $a1) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a1 (call $activate (local.get $a1) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a2 (f32x4.min (f32x4.max (local.get $a2) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a2 (call $activate (local.get $a2) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a3 (f32x4.min (f32x4.max (local.get $a3) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a3 (call $activate (local.get $a3) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                    (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 2))))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                    (br $x_loop)
                  )
                  (else
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
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w1))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w4))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w2))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w3))))
                          (local.set $ip (i32.add (local.get $ip) (local.get $pix)))
                          (local.set $v (v128.load (local.get $ip)))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w4))))
                        ))
                      (local.set $iy (i32.add (local.get $iy) (local.get $DH)))
                      (local.set $rp (i32.add (local.get $rp) (local.get $dyb)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $tap5)))
                      (br_if $quad2_rows (local.tee $ky (i32.sub (local.get $ky) (i32.const 1)))))
                    (if (local.get $clamp)
                      (then (local.set $a0 (f32x4.min (f32x4.max (local.get $a0) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a0 (call $activate (local.get $a0) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (local.get $obase) (local.get $a0)))
                      (else (call $store_lanes (local.get $obase) (local.get $a0) (local.get $a0) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a1 (f32x4.min (f32x4.max (local.get $a1) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a1 (call $activate (local.get $a1) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 1))) (local.get $a1) (local.get $a1) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a2 (f32x4.min (f32x4.max (local.get $a2) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a2 (call $activate (local.get $a2) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 2))) (local.get $a2) (local.get $a2) (local.get $lanes))))
                    (if (local.get $clamp)
                      (then (local.set $a3 (f32x4.min (f32x4.max (local.get $a3) (local.get $lo_v)) (local.get $hi_v))))
                      (else (local.set $a3 (call $activate (local.get $a3) (local.get $act) (local.get $slope)))))
                    (if (i32.eq (local.get $lanes) (i32.const 4))
                      (then (v128.store (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3)))
                      (else (call $store_lanes (i32.add (local.get $obase) (i32.mul (local.get $pix) (i32.const 3))) (local.get $a3) (local.get $a3) (local.get $lanes))))
                    (local.set $obase (i32.add (local.get $obase) (i32.shl (local.get $pix) (i32.const 2))))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                    (br $x_loop)
                  ))))
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
            (if (local.get $clamp)
              (then (local.set $acc (f32x4.min (f32x4.max (local.get $acc) (local.get $lo_v)) (local.get $hi_v))))
              (else (local.set $acc (call $activate (local.get $acc) (local.get $act) (local.get $slope)))))
            (if (i32.eq (local.get $lanes) (i32.const 4))
              (then (v128.store (local.get $obase) (local.get $acc)))
              (else (call $store_lanes (local.get $obase) (local.get $acc) (local.get $acc) (local.get $lanes))))
            (local.set $obase (i32.add (local.get $obase) (local.get $pix)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
            (br $x_loop)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br $c_loop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oy_loop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $n_loop)))
  )
)
