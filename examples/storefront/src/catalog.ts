// The shop's products, in the e-commerce spec's property names so they go into events as-is.
export interface CatalogProduct {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: 'USD';
  notes: string;
}

export const CATALOG: CatalogProduct[] = [
  { product_id: 'summit-blend', sku: 'RC-SUM-340', name: 'Summit Blend', category: 'Coffee', price: 18, currency: 'USD', notes: 'Dark chocolate, plum, brown sugar' },
  { product_id: 'night-owl-decaf', sku: 'RC-OWL-340', name: 'Night Owl Decaf', category: 'Coffee', price: 16.5, currency: 'USD', notes: 'Cocoa, hazelnut, a long finish' },
  { product_id: 'huila-single-origin', sku: 'RC-HUI-250', name: 'Huila Single Origin', category: 'Coffee', price: 22, currency: 'USD', notes: 'Red apple, panela, jasmine' },
  { product_id: 'pour-over-kit', sku: 'RC-KIT-001', name: 'Pour-over Kit', category: 'Gear', price: 39, currency: 'USD', notes: 'Dripper, filters, a scoop' },
];

export const findProduct = (id: string | null) => CATALOG.find((product) => product.product_id == id);
