/**
 * The results layer: the one reader and writer of every format skillsim owns. Run JSON
 * (./run-json.ts), sweep JSON Lines (./sweep-lines.ts, streamed), CSV (./csv.ts, papaparse and
 * one number reader), fit JSON (./fit-json.ts), any of run, sweep and fit told apart by content
 * (./result-document.ts), canonical JSON (./canonical.ts) and config comparison (./config-diff.ts).
 * Errors are ResultsError (bad input: exit 2), each worded once.
 */
export { ResultsError } from "./errors.js";
export { canonicalJson } from "./canonical.js";
export { baseConfig, firstDifference } from "./config-diff.js";
export { csvCell, csvNumber, csvRecords, csvStream, lineFinder, newlinesInCells, parseNumberCsv, type CsvRecord } from "./csv.js";
export { checkRunJson, readRunJson, runJsonDocument, type RunJson, type RunJsonOptions } from "./run-json.js";
export { eachSweepLine, forEachLine, openForReading, checkSweepLine, readSweepLine, startsWithSweepLine, sweepLines, type SweepLine } from "./sweep-lines.js";
export { FIT_PARAMS, checkFitJson, readFitJson, type FitForm, type FitJson, type FitJsonOptions } from "./fit-json.js";
export { jsonSyntaxError, readResultDocument, type ResultDocument, type ResultKind } from "./result-document.js";
export { keptRunLine, readKeptRun, readKeptRuns, type KeptRun } from "./kept-runs.js";
