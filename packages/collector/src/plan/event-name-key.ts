// Separators clients use between the words of an event name: "add to cart", "Add_To_Cart",
// "add-to-cart", "add.to.cart". Case is folded too, so "addToCart" matches as well.
const SEPARATORS = /[\s_.\-]+/gu;

/**
 * The form two spellings of one event name share, for matching a name as sent against the
 * plan's canonical names and aliases: Unicode-normalised (NFKC), lower case, no separators.
 *
 * @example
 * eventNameKey('Add_To_Cart') === eventNameKey('add to cart') // true ('addtocart')
 */
export function eventNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
}
