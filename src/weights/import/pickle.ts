import { FileError } from "../errors.js";
import { shorten } from "../elements.js";

/**
 * A restricted unpickler: it reads the pickle opcodes a PyTorch state_dict uses and executes
 * nothing. Globals are names, never code; the caller's `findGlobal` decides which names exist
 * (every other is refused at the GLOBAL opcode, before anything could call it), and REDUCE,
 * NEWOBJ and BUILD are answered by the caller's `call` for those names only. Nothing here
 * recurses on the values it builds, and the stack, the marks and every length are bounded by
 * the bytes at hand, so a hostile pickle ends in one FileError whatever its shape.
 */

/** A tuple, told apart from a list (a list is a plain array). */
export class PickleTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A global that the caller allowed: `module.name`, inert until the caller's `call` runs it. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

export interface UnpickleOptions {
  /** The allowed global `module.name`, or undefined to refuse it. */
  findGlobal: (module: string, name: string) => PickleGlobal | undefined;
  /** REDUCE and NEWOBJ on an allowed global: its value, or a FileError. */
  call: (callable: PickleGlobal, args: readonly unknown[]) => unknown;
  /** BINPERSID: what a persistent id stands for (PyTorch's storages). */
  persistentLoad: (pid: unknown) => unknown;
}

/** The most values on the stack, and the most marks open at once. */
const MAX_STACK = 1_000_000;
const MAX_MARKS = 1_000;

/** Python's pickle opcodes this unpickler does not read, named so a refusal can say which. */
const REFUSED_NAMES: Record<number, string> = {
  0x69: "INST",
  0x6f: "OBJ",
  0x92: "NEWOBJ_EX",
  0x50: "PERSID",
  0x49: "INT",
  0x4c: "LONG",
  0x46: "FLOAT",
  0x53: "STRING",
  0x56: "UNICODE",
  0x8b: "LONG4",
  0x8e: "BINBYTES8",
  0x96: "BYTEARRAY8",
  0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
  0x8f: "EMPTY_SET",
  0x90: "ADDITEMS",
  0x91: "FROZENSET",
  0x67: "GET",
  0x70: "PUT",
  0x82: "EXT1",
  0x83: "EXT2",
  0x84: "EXT4",
};

/**
 * Reads one pickle from `bytes` at `start`: its value and the offset just past its STOP
 * (PyTorch's legacy format is several pickles one after another).
 */
export function unpickle(
  bytes: Uint8Array,
  options: UnpickleOptions,
  start = 0,
): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const latin1 = new TextDecoder("latin1");
  let at = start;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const fail = (message: string): never => {
    throw new FileError(`the pickle ${message} (at byte ${at})`);
  };
  const need = (n: number, what: string) => {
    if (n > bytes.byteLength - at) fail(`is truncated: ${what} runs past the end of the data`);
  };
  const u8 = () => {
    need(1, "an argument");
    return bytes[at++];
  };
  const u16 = () => {
    need(2, "an argument");
    const v = view.getUint16(at, true);
    at += 2;
    return v;
  };
  const u32 = () => {
    need(4, "an argument");
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const u64 = () => {
    need(8, "an argument");
    const v = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    at += 8;
    return v;
  };
  const take = (n: number, what: string) => {
    need(n, what);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const text = (n: number) => {
    try {
      return decoder.decode(take(n, "a string"));
    } catch (e) {
      if (e instanceof FileError) throw e;
      return fail("holds a string that is not UTF-8");
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0 || end - at > 1000) fail("is truncated: a GLOBAL name has no end of line");
    const s = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return s;
  };
  const push = (v: unknown) => {
    if (stack.length >= MAX_STACK) fail(`holds more than ${MAX_STACK} values at once`);
    stack.push(v);
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail("pops an empty stack");
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail("reads an empty stack");
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) fail("closes a mark it never opened");
    stack = previous!;
    return items;
  };
  const global = (module: string, name: string) => {
    const found = options.findGlobal(module, name);
    if (!found) {
      throw new FileError(
        `the pickle asks for ${shorten(`${module}.${name}`)}, which a weights file never needs; refusing to load it`,
      );
    }
    push(found);
  };
  const callable = (value: unknown, opcode: string): PickleGlobal => {
    if (!(value instanceof PickleGlobal)) fail(`applies ${opcode} to ${describe(value)}`);
    return value as PickleGlobal;
  };
  const argsOf = (value: unknown, opcode: string): readonly unknown[] => {
    if (!(value instanceof PickleTuple)) fail(`gives ${opcode} ${describe(value)}, not a tuple`);
    return (value as PickleTuple).items;
  };
  const dictAt = (value: unknown, opcode: string): Map<unknown, unknown> => {
    if (!(value instanceof Map)) fail(`applies ${opcode} to ${describe(value)}, not a dict`);
    return value as Map<unknown, unknown>;
  };
  const listAt = (value: unknown, opcode: string): unknown[] => {
    if (!Array.isArray(value)) fail(`applies ${opcode} to ${describe(value)}, not a list`);
    return value as unknown[];
  };
  const setItems = (dict: Map<unknown, unknown>, items: unknown[]) => {
    if (items.length % 2 !== 0) fail("gives SETITEMS an odd number of values");
    for (let i = 0; i < items.length; i += 2) dict.set(hashable(items[i]), items[i + 1]);
  };
  const hashable = (key: unknown) => {
    if (typeof key === "string" || typeof key === "number" || typeof key === "bigint") return key;
    if (key === null || typeof key === "boolean") return key;
    return fail(`uses ${describe(key)} as a dict key`);
  };
  const memoGet = (index: number) => {
    if (!memo.has(index)) fail(`refers to memo entry ${index}, which was never stored`);
    push(memo.get(index));
  };

  for (;;) {
    if (at >= bytes.byteLength) fail("is truncated: it ends before its STOP opcode");
    const opcode = bytes[at++];
    switch (opcode) {
      case 0x80: // PROTO
        if (u8() > 5) fail("uses a pickle protocol newer than 5");
        break;
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        if (marks.length > 0) fail("stops with a mark still open");
        return { value: pop(), end: at };
      case 0x28: // MARK
        if (marks.length >= MAX_MARKS) fail(`opens more than ${MAX_MARKS} marks at once`);
        marks.push(stack);
        stack = [];
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x7d: // EMPTY_DICT
        push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        push(new PickleTuple([]));
        break;
      case 0x64: {
        // DICT
        const dict = new Map<unknown, unknown>();
        setItems(dict, popMark());
        push(dict);
        break;
      }
      case 0x6c: // LIST
        push(popMark());
        break;
      case 0x74: // TUPLE
        push(new PickleTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        push(new PickleTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(new PickleTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(new PickleTuple([pop(), b, c]));
        break;
      }
      case 0x58: // BINUNICODE
        push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        push(text(u64()));
        break;
      case 0x54: // BINSTRING (Python 2 str): latin-1
        push(latin1.decode(take(u32(), "a string")));
        break;
      case 0x55: // SHORT_BINSTRING
        push(latin1.decode(take(u8(), "a string")));
        break;
      case 0x42: // BINBYTES
        push(take(u32(), "bytes").slice());
        break;
      case 0x43: // SHORT_BINBYTES
        push(take(u8(), "bytes").slice());
        break;
      case 0x4a: // BININT
        need(4, "an argument");
        push(view.getInt32(at, true));
        at += 4;
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x8a: {
        // LONG1: n bytes, little-endian two's complement
        const digits = take(u8(), "a long integer");
        let value = 0n;
        for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
        if (digits.length > 0 && digits[digits.length - 1] & 0x80) {
          value -= 1n << BigInt(8 * digits.length);
        }
        const small = Number(value);
        push(Number.isSafeInteger(small) ? small : value);
        break;
      }
      case 0x47: // BINFLOAT: big-endian double
        need(8, "an argument");
        push(view.getFloat64(at, false));
        at += 8;
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        dictAt(top(), "SETITEM").set(hashable(key), value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(dictAt(top(), "SETITEMS"), items);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        listAt(top(), "APPEND").push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = listAt(top(), "APPENDS");
        for (const item of items) list.push(item);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        memoGet(u8());
        break;
      case 0x6a: // LONG_BINGET
        memoGet(u32());
        break;
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        global(module, line());
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") {
          fail("gives STACK_GLOBAL something other than two strings");
        }
        global(module as string, name as string);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = argsOf(pop(), "REDUCE");
        push(options.call(callable(pop(), "REDUCE"), args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = argsOf(pop(), "NEWOBJ");
        push(options.call(callable(pop(), "NEWOBJ"), args));
        break;
      }
      case 0x62: {
        // BUILD: a dict's attributes (an OrderedDict's _metadata) are not needed; nothing else
        // is built
        pop();
        dictAt(top(), "BUILD");
        break;
      }
      case 0x51: // BINPERSID
        push(options.persistentLoad(pop()));
        break;
      default: {
        const name = REFUSED_NAMES[opcode];
        at--;
        fail(
          name
            ? `uses the opcode ${name}, which a PyTorch state_dict never does`
            : `holds the byte 0x${opcode.toString(16).padStart(2, "0")}, which is no pickle opcode dsnet reads`,
        );
      }
    }
  }
}

/** What a pickled value is, in a few words, for messages (never its contents: it may be huge). */
export function describe(value: unknown): string {
  if (value === null) return "None";
  if (value instanceof PickleTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PickleGlobal) return value.qualified;
  if (value instanceof Map) return `a dict of ${value.size}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === "string") return `the string ${JSON.stringify(shorten(value))}`;
  if (typeof value === "number" || typeof value === "bigint") return `the number ${value}`;
  if (typeof value === "boolean") return value ? "True" : "False";
  return "an object";
}
