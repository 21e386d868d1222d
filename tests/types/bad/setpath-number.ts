// setPath takes a string path (with its query string), not a number.
// expect TS2322: Type 'number' is not assignable to type 'string'.
_hsq.push(['setPath', 5]);
export {};
