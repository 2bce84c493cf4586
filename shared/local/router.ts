export { FUNCTIONS, functionFor, type FunctionName } from '#shared/http/path-prefixes.ts';
