/**
 * A file dsnet cannot use: a weights, input or image file that is truncated, malformed, of a kind
 * it does not read or not matching the network, or an output it cannot write. The message is for
 * people; the command line prints it as `dsnet: <message>` (exit 1). Every failure to read such a
 * file is one of these, whatever the bytes.
 */
export class FileError extends Error {
  override name = "FileError";
}
