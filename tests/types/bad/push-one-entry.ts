// push runs only its first argument (as HubSpot's): one entry per call.
// expect TS2554: Expected 1 arguments, but got 2.
_hsq.push(['setPath', '/a'], ['trackPageView']);
// push returns the method's result (undefined), not the queue's length.
// expect TS2322: Type 'unknown' is not assignable to type 'number'.
const length: number = _hsq.push(['trackPageView']);
export { length };
