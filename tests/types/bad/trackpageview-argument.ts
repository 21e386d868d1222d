// trackPageView takes no argument: the path goes in a setPath before it.
// expect TS2345: Argument of type '["trackPageView", string]' is not assignable to parameter
window._hsq.push(['trackPageView', '/pricing']);
export {};
