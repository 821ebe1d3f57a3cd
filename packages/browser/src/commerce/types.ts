import type { CallOptions } from '../core/types.js';
import type { CommerceEvent, HelperName } from './commerce-events.js';

/**
 * A product, in the spec's property names; any other property passes through. The index
 * signatures say `any`, not `unknown`: only then does a value typed with the shop's own
 * interface (no index signature) fit.
 */
export interface Product {
  product_id?: string;
  sku?: string;
  category?: string;
  name?: string;
  brand?: string;
  variant?: string;
  price?: number;
  quantity?: number;
  coupon?: string;
  position?: number;
  url?: string;
  image_url?: string;
  currency?: string;
  [property: string]: any;
}

/** Product Viewed / Added / Removed / Clicked / Shared / Reviewed and the wishlist events. */
export interface ProductEventProperties extends Product {
  cart_id?: string;
  wishlist_id?: string;
}

export interface ProductListProperties {
  list_id?: string;
  category?: string;
  query?: string;
  filters?: { type: string; value: string }[];
  sorts?: { type: string; value: string }[];
  products?: Product[];
  [property: string]: any;
}

export interface PromotionProperties {
  promotion_id?: string;
  creative?: string;
  name?: string;
  position?: string;
  [property: string]: any;
}

export interface CartProperties {
  cart_id?: string;
  products?: Product[];
  [property: string]: any;
}

/** Checkout and order events. */
export interface OrderProperties extends CartProperties {
  order_id?: string;
  checkout_id?: string;
  affiliation?: string;
  /** Revenue with discounts and coupons applied, shipping and tax included. */
  total?: number;
  subtotal?: number;
  revenue?: number;
  shipping?: number;
  tax?: number;
  discount?: number;
  coupon?: string;
  currency?: string;
  step?: number;
  shipping_method?: string;
  payment_method?: string;
}

export interface CouponProperties {
  order_id?: string;
  cart_id?: string;
  coupon_id?: string;
  coupon_name?: string;
  discount?: number;
  reason?: string;
  [property: string]: any;
}

/** What the SDK's own "Cart Abandoned" event carries. */
export interface CartAbandonedProperties {
  cart_id: string;
  products: Product[];
  /** Σ price × quantity of the cart's products. */
  value: number;
  currency?: string;
  minutes_idle: number;
  [property: string]: any;
}

/** The properties each spec event takes. */
export type CommerceProperties<E extends CommerceEvent> = E extends 'Product List Viewed' | 'Product List Filtered' | 'Products Searched'
  ? ProductListProperties
  : E extends `Product ${string}` | 'Wishlist Product Added to Cart'
    ? ProductEventProperties
    : E extends `Promotion ${string}`
      ? PromotionProperties
      : E extends `Coupon ${string}`
        ? CouponProperties
        : E extends `Cart ${string}`
          ? CartProperties
          : OrderProperties;

/**
 * One helper per spec event, named after it: `productAdded(properties)` is
 * `track('Product Added', properties)`, and plain `track()` with the same name does the same.
 */
export type CommerceHelpers = {
  [E in CommerceEvent as HelperName<E>]: (properties?: CommerceProperties<E>, options?: CallOptions) => void;
};
