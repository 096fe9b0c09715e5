/**
 * A weights, input or image file that dsnet cannot use: truncated, malformed, of a kind it does
 * not read, or not matching the network. The message is for people; the command line prints it
 * as `dsnet: <message>`. Every failure to read such a file is one of these, whatever the bytes.
 */
export class WeightsError extends Error {
  override name = "WeightsError";
}
