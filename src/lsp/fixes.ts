import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";

export type { Fix };

/** The fixes a diagnostic offers: replacements of its own span, set where it was reported. */
export function fixesFor(d: Diagnostic): Fix[] {
  return d.fixes ?? [];
}
