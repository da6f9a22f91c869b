/**
 * The results layer: the one reader and writer of every format skillsim owns. Run JSON
 * (./run-json.ts), sweep JSON Lines (./sweep-lines.ts, streamed), CSV (./csv.ts, papaparse and
 * one number reader), canonical JSON (./canonical.ts) and config comparison (./config-diff.ts).
 * Errors are ResultsError (bad input: exit 2), each worded once.
 */
export { ResultsError } from "./errors.js";
export { canonicalJson } from "./canonical.js";
export { baseConfig, firstDifference } from "./config-diff.js";
export { csvCell, csvNumber, csvRecords, csvStream, lineFinder, newlinesInCells, parseNumberCsv, type CsvRecord } from "./csv.js";
export { checkRunJson, readRunJson, runJsonDocument, type RunJson, type RunJsonOptions } from "./run-json.js";
export { forEachLine, openForReading, checkSweepLine, readSweepLine, startsWithSweepLine, sweepLines, type SweepLine } from "./sweep-lines.js";
export { keptRunLine, readKeptRun, readKeptRuns, type KeptRun } from "./kept-runs.js";
