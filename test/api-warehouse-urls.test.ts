import request from 'supertest';
import { generateSecret } from '../integrations/signed-post';
import { as, startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('API: warehouse fulfillmentUrl', () => {
  describe('with INTEGRATION_SECRET', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApi({ env: { INTEGRATION_SECRET: generateSecret() } });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('sets, keeps when omitted, shows in GET /warehouses, and clears with null', async () => {
      const id = uid('wh');
      const url = 'https://wms.example.com/hooks/fulfillment?site=2';
      const created = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'North', fulfillmentUrl: url }).expect(201);
      expect(created.body).toEqual({ id, name: 'North', priority: 100, active: true, fulfillmentUrl: url });
      // Omitted: kept.
      await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'North 2' }).expect(200);
      const list = await request(h.app).get('/warehouses').set(as('ops')).expect(200);
      expect(list.body.warehouses).toContainEqual(expect.objectContaining({ id, name: 'North 2', fulfillmentUrl: url }));
      const cleared = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'North 2', fulfillmentUrl: null }).expect(200);
      expect(cleared.body.fulfillmentUrl).toBeNull();
    });

    it.each([
      ['ftp://wms.example.com/x', 'http:// or https://'],
      ['https://user:pw@wms.example.com/x', 'credentials'],
      ['not a url', 'is not a URL'],
      ['javascript:alert(1)', 'http:// or https://'],
    ])('refuses %s', async (fulfillmentUrl, why) => {
      const res = await request(h.app).put(`/warehouses/${uid('wh')}`).set(as('admin')).send({ name: 'X', fulfillmentUrl }).expect(400);
      expect(res.body.details[0]).toMatchObject({ in: 'body', path: 'fulfillmentUrl' });
      expect(res.body.details[0].message).toContain(why);
      // Never echo credentials back.
      expect(JSON.stringify(res.body)).not.toContain('pw@');
    });
  });

  describe('without INTEGRATION_SECRET', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApi();
    });
    afterAll(async () => {
      await h?.stop();
    });

    // docs/design.md §20: the first fulfillmentUrl creates the warehouse's own signing secret (no more 409 integration_secret_missing).
    it('the first fulfillmentUrl answers the warehouse’s own signing secret, once; null and plain updates create none', async () => {
      const plain = uid('wh');
      const none = await request(h.app).put(`/warehouses/${plain}`).set(as('admin')).send({ name: 'N', fulfillmentUrl: null }).expect(201);
      expect(none.body.signingSecret).toBeUndefined();
      const id = uid('wh');
      const res = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'N', fulfillmentUrl: 'https://wms.example.com/f' }).expect(201);
      expect(res.body).toMatchObject({ id, fulfillmentUrl: 'https://wms.example.com/f', signingSecret: expect.stringMatching(/^whsec_/) });
      const again = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'N', fulfillmentUrl: 'https://wms.example.com/g' }).expect(200);
      expect(again.body.signingSecret).toBeUndefined();
    });
  });
});
