import { test, expect } from '@playwright/test';
import SwaggerParser from '@apidevtools/swagger-parser';

// Not a browser test: the served document must validate against the OpenAPI 3.1 schema.
test('the OpenAPI document validates as OpenAPI 3.1', async ({ request }) => {
  const response = await request.get('/api/openapi.json');
  expect(response.status()).toBe(200);
  const document = await response.json();
  expect(document.openapi).toMatch(/^3\.1\./);
  const api = await SwaggerParser.validate(document);
  expect(Object.keys(api.paths ?? {})).toContain('/api/admin/providers/{id}/sync-models');
});
