// A function entry is called as fn(tracker, hstc).
// expect TS2345: Argument of type '(tracker: string) => void' is not assignable to parameter
_hsq.push((tracker: string) => console.log(tracker));
export {};
