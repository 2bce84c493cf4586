/** The part of autocannon's API the HTTP benchmarks use (the package ships no types). */
declare module 'autocannon' {
  interface Request {
    readonly method?: string;
    readonly path?: string;
    readonly body?: string;
    readonly headers?: Record<string, string>;
  }
  interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly duration?: number;
    /** Worker threads firing the requests (the connections are divided among them). */
    readonly workers?: number;
    readonly requests?: readonly Request[];
  }
  interface Histogram {
    readonly average: number;
    readonly total: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  }
  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly non2xx: number;
    readonly errors: number;
    readonly timeouts: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
