import { roundUp } from "../../runtime/packing.js";
import { LINE_ELEMENTS, PAGE_ELEMENTS } from "./steps.js";

/*
 * The one WebAssembly memory of the CPU backends, in 4-byte elements, each part on a 64-byte
 * line: the packed weights from element 16 (placeWeights: address 0 stays unused, a zero
 * pointer is always a bug), then the activation arena on a 4 KB page and a line of slack, then
 * the im2col scratch, one per thread, then the batch's outputs. The CPU plan lays it out when
 * built; the TypeScript generator when it writes a module, whose text has the numbers and
 * leaves the threads and the batch as names (`scratch + threads * stride`,
 * `outputs + batch * size`). One description of where the parts go; what each backend puts in
 * them is its own: the plan gathers outputs only for a batch of more than one (a line of slack
 * after them) and always keeps a scratch per thread, while a generated module always gathers
 * its outputs and keeps no scratch where no step needs one on one thread.
 */

export interface MemoryParts {
  /** Where the packed weights end (placeWeights' `end`). */
  weightsEnd: number;
  /** One sample's activation arena (planBuffers' `arenaElements`). */
  arenaElements: number;
  /** One thread's im2col scratch, its slack included (`threadScratch`); 0 for none. */
  scratchStride: number;
  threads: number;
  /** The batch's outputs, where they are gathered after the scratch; 0 where they are not. */
  outputElements: number;
}

/** Where each part starts, and the elements in all. */
export interface MemoryLayout {
  arena: number;
  scratch: number;
  outputs: number;
  elements: number;
}

export function layOutMemory(parts: MemoryParts): MemoryLayout {
  const arena = roundUp(parts.weightsEnd, PAGE_ELEMENTS);
  const scratch = arena + parts.arenaElements + LINE_ELEMENTS;
  const outputs = scratch + parts.threads * parts.scratchStride;
  return { arena, scratch, outputs, elements: outputs + parts.outputElements };
}

/** One thread's scratch for the kernels: on lines of its own, and a line of slack after. */
export function threadScratch(scratchElements: number): number {
  return roundUp(scratchElements, LINE_ELEMENTS) + LINE_ELEMENTS;
}
