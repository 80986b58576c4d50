/**
 * files = reading the agent's files safely: paths checked against the folders they
 * must stay in, and the one reader that goes through a file from its end.
 */
export { linesFromEnd, MAX_LINE_BYTES, type ScanState } from './backward.js';
export { checkLogFile, isInsideFolder, realPathOfNearest, type FileLocation } from './real-path.js';
