// A misspelt command name is not a command (the shim would record "unknown method").
// expect TS2345: Argument of type '["trackPageVeiw"]' is not assignable to parameter
_hsq.push(['trackPageVeiw']);
export {};
