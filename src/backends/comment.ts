/**
 * Text that came from the user (file paths above all) on one line: control characters and line
 * separators become `\uXXXX` escapes, so nothing in it can end a `//` or `#` comment.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * Text that came from the user made safe for a comment in generated code, `//` or `/* *\/`, in
 * TypeScript or WGSL: on one line (oneLine), and `*\/` cannot end a block comment.
 */
export function commentText(text: string): string {
  return oneLine(text).replace(/\*\//g, "*\\/");
}
