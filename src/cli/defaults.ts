// The brief's defaults for the command line: run on the shipped sample, write next to it.

export const DEFAULT_INPUT = './data/sample.log';
export const DEFAULT_OUTPUT = './data/output.csv';
