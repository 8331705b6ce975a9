/**
 * Personal data by role (docs/design.md §20), applied to every order the API answers: `ops`
 * gets the customer id and the address's city, region, postal code and country — no name,
 * email or street (the fields are absent, not blanked); a warehouse key the full shipping
 * address of the orders it ships (it needs it on the parcel) but not the customer's name or
 * email; its own channel, support, admin and unscoped system keys everything. Webhooks are not
 * reads of a key and stay as they are. Pure.
 */
import type { Principal } from '../domain/principal';
import type { Customer, ShippingAddress } from '../domain/types';

export type AddressShown = Omit<ShippingAddress, 'name' | 'line1' | 'line2'> & Partial<Pick<ShippingAddress, 'name' | 'line1' | 'line2'>>;

export interface WithPersonalData {
  customer: Customer;
  shippingAddress: ShippingAddress;
}

const coarseAddress = (a: ShippingAddress): AddressShown => {
  const { name: _name, line1: _line1, line2: _line2, ...rest } = a;
  return rest;
};

/** The view as the principal may see it; the same object when nothing is withheld. */
export function shownTo<T extends WithPersonalData>(p: Principal, view: T): Omit<T, 'shippingAddress'> & { shippingAddress: AddressShown } {
  if (p.role === 'ops') return { ...view, customer: { id: view.customer.id }, shippingAddress: coarseAddress(view.shippingAddress) };
  if (p.scope?.warehouseId !== undefined) return { ...view, customer: { id: view.customer.id } };
  return view;
}
