// identify takes flat contact properties: no nested objects, email is a string.
// expect TS2322: Type '{ city: string; }' is not assignable to type 'HsqScalar'.
_hsq.push(['identify', { email: 'ada@example.com', address: { city: 'London' } }]);
// expect TS2322: Type 'number' is not assignable to type 'string'.
_hsq.push(['identify', { email: 42 }]);
export {};
