/**
 * Every event of Segment's e-commerce spec v2, in one string: it is split at run time into
 * the tracker's helpers (smaller in the script tag than one function each), and split at
 * type level into their names and property types.
 */
// One literal (no `+`): its type is the literal itself, which the types below split.
export const COMMERCE_EVENTS =
  'Products Searched,Product List Viewed,Product List Filtered,Promotion Viewed,Promotion Clicked,Product Clicked,Product Viewed,Product Added,Product Removed,Cart Viewed,Checkout Started,Checkout Step Viewed,Checkout Step Completed,Payment Info Entered,Order Updated,Order Completed,Order Refunded,Order Cancelled,Coupon Entered,Coupon Applied,Coupon Denied,Coupon Removed,Product Added to Wishlist,Product Removed from Wishlist,Wishlist Product Added to Cart,Product Shared,Cart Shared,Product Reviewed';

type Split<S extends string> = S extends `${infer Head},${infer Tail}` ? Head | Split<Tail> : S;

/** The spec's event names: 'Product Added', 'Order Completed', … */
export type CommerceEvent = Split<typeof COMMERCE_EVENTS>;

type Camel<S extends string> = S extends `${infer Head} ${infer Tail}` ? `${Head}${Camel<Capitalize<Tail>>}` : S;

/** The helper's name for an event: 'Product Added to Wishlist' → 'productAddedToWishlist'. */
export type HelperName<E extends string> = Uncapitalize<Camel<E>>;

/**
 * The helper's name for an event, as the tracker is given it.
 *
 * @example
 * helperName('Product Added to Wishlist') // 'productAddedToWishlist'
 */
export const helperName = (event: string) =>
  event[0]!.toLowerCase() + event.slice(1).replace(/ (.)/g, (_, letter: string) => letter.toUpperCase());
