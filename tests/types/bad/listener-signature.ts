// Listener callbacks have fixed signatures: the user token is a string.
// expect TS2322: Type '(utk: number) => void' is not assignable to type '(utk: string) => void'.
_hsq.push(['addUserTokenListener', (utk: number) => console.log(utk.toFixed())]);
_hsp.push(['addPrivacyConsentListener', (consent) => {
  // expect TS2339: Property 'marketing' does not exist on type 'HsqConsentCategories'.
  console.log(consent.categories.marketing);
}]);
export {};
