// hsqShim exists only under the shim (not under HubSpot's script): check it first.
// expect TS18048: 'hsqShim' is possibly 'undefined'.
console.log(hsqShim.beacons.length);
const shim = window.hsqShim!;
// expect TS2339: Property 'po' does not exist on type 'HsqShimBeacon'.
console.log(shim.beacons[0].po);
export {};
