/**
 * The venue's error answers (errors.md): a code, the venue's own message and
 * the HTTP status it travels with (the WebSocket API puts the same status in
 * the response's `status` field). Thrown inside request handling and turned
 * into `{code, msg}` by the transports; anything else thrown is a bug in the
 * simulator and is answered -1000 rather than crashing it.
 */
export class VenueError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly status = 400,
    /** Extra `error.data` on the WebSocket API and Retry-After on REST (rate limits). */
    readonly retryAfterMs?: number,
  ) {
    super(msg);
  }
}

export const unknownError = () => new VenueError(-1000, 'An unknown error occurred while processing the request.', 500);
export const timeoutUnknown = () =>
  new VenueError(-1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.', 503);
export const badSymbol = () => new VenueError(-1121, 'Invalid symbol.');
export const mandatory = (name: string) =>
  new VenueError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
export const eitherParam = (a: string, b: string) => new VenueError(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`);
export const illegalChars = (name: string, legal: string) =>
  new VenueError(-1100, `Illegal characters found in parameter '${name}'; legal range is '${legal}'.`);
export const tooManyParams = () => new VenueError(-1101, 'Duplicate values for a parameter detected.');
export const notRequired = (name: string) => new VenueError(-1106, `Parameter '${name}' sent when not required.`);
export const invalidTif = () => new VenueError(-1115, 'Invalid timeInForce.');
export const invalidType = () => new VenueError(-1116, 'Invalid orderType.');
export const invalidSide = () => new VenueError(-1117, 'Invalid side.');
export const invalidRecvWindow = () => new VenueError(-1131, 'recvWindow must be less than 60000');
export const filterFailure = (filter: string) => new VenueError(-1013, `Filter failure: ${filter}`);
export const invalidMessage = (msg: string) => new VenueError(-1013, msg);
export const newOrderRejected = (msg: string) => new VenueError(-2010, msg);
export const cancelRejected = (msg: string) => new VenueError(-2011, msg);
export const noSuchOrder = () => new VenueError(-2013, 'Order does not exist.');
export const badApiKeyFormat = () => new VenueError(-2014, 'API-key format invalid.', 401);
export const rejectedKey = () => new VenueError(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
export const badSignature = () => new VenueError(-1022, 'Signature for this request is not valid.');
export const outsideRecvWindow = () => new VenueError(-1021, 'Timestamp for this request is outside of the recvWindow.');
export const aheadOfServer = () => new VenueError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
export const unauthorized = () => new VenueError(-1002, 'You are not authorized to execute this request.', 401);
