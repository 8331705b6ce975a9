import type { Knex } from 'knex';
import { openAlerts } from './alerts';
import { amend } from './amend';
import { catalogFacts, getSku, listWarehouses, upsertSku, upsertWarehouse } from './catalog';
import { release, restock, ship } from './order-ops';
import { levels, movements, ordersAwaiting, ping, reservations } from './reads';
import { reconcile } from './reconcile';
import { receiveReturn } from './returns';
import { reserve, reserveMore } from './reserve';
import { adjust, receive } from './stock';
import type { Ledger } from './types';

/** The PostgreSQL stock ledger on a knex pool the caller owns (and destroys). */
export function createLedger(knex: Knex): Ledger {
  return {
    upsertWarehouse: (input) => upsertWarehouse(knex, input),
    listWarehouses: () => listWarehouses(knex),
    upsertSku: (input) => upsertSku(knex, input),
    getSku: (sku) => getSku(knex, sku),
    catalogFacts: (skus) => catalogFacts(knex, skus),
    receive: (input) => receive(knex, input),
    adjust: (input) => adjust(knex, input),
    reserve: (orderId, lines, key, opts) => reserve(knex, orderId, lines, key, opts),
    reserveMore: (orderId, key, opts) => reserveMore(knex, orderId, key, opts),
    release: (orderId, key, opts) => release(knex, orderId, key, opts),
    ship: (orderId, key, opts) => ship(knex, orderId, key, opts),
    restock: (orderId, lines, key, opts) => restock(knex, orderId, lines, key, opts),
    receiveReturn: (input) => receiveReturn(knex, input),
    amend: (orderId, lines, key, opts) => amend(knex, orderId, lines, key, opts),
    levels: (sku) => levels(knex, sku),
    movements: (sku, page) => movements(knex, sku, page),
    reservations: (orderId) => reservations(knex, orderId),
    ordersAwaiting: (sku) => ordersAwaiting(knex, sku),
    openAlerts: () => openAlerts(knex),
    reconcile: (isClosed, options) => reconcile(knex, isClosed, options),
    ping: () => ping(knex),
  };
}
