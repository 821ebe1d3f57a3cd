// Ridgeline Coffee's shop: each page renders its part and sends the e-commerce events a real
// shop would, through the typed helpers of @cairn/browser.
import { cairn } from './analytics.js';
import { CATALOG, findProduct, type CatalogProduct } from './catalog.js';
import { cartLines, cartTotal, clearCart, loadCart, saveCart } from './site-cart.js';

const main = document.querySelector('main')!;
const params = new URLSearchParams(location.search);
const money = (amount: number) => '$' + amount.toFixed(2);
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function addToCart(product: CatalogProduct, quantity: number) {
  const cart = loadCart();
  const item = cart.items.find((line) => line.product_id == product.product_id);
  if (item) item.quantity += quantity;
  else cart.items.push({ product_id: product.product_id, quantity });
  saveCart(cart);
  cairn.productAdded({ ...product, quantity, cart_id: cart.id });
  renderHeader();
  status(`Added ${quantity} × ${product.name} to the cart.`);
}

function productCard(product: CatalogProduct) {
  return `<article class="card">
    <h2><a href="/product.html?id=${product.product_id}">${product.name}</a></h2>
    <p class="muted">${product.notes}</p>
    <p><span class="price">${money(product.price)}</span>
    <button type="button" data-add="${product.product_id}">Add to cart</button></p>
  </article>`;
}

const pages: Record<string, () => void> = {
  home() {
    main.innerHTML = `<h1>Coffee, roasted the day it ships</h1><div class="grid">${CATALOG.map(productCard).join('')}</div>`;
    cairn.productListViewed({ list_id: 'all', category: 'Coffee', products: CATALOG.map((product, position) => ({ ...product, position })) });
  },
  product() {
    const product = findProduct(params.get('id'));
    if (!product) return void (main.innerHTML = '<h1>Not found</h1>');
    main.innerHTML = `<h1>${product.name}</h1><p class="muted">${product.notes}</p>
      <p><span class="price">${money(product.price)}</span>
      <label>Quantity <input id="qty" type="number" min="1" max="20" value="1"></label>
      <button type="button" id="add">Add to cart</button></p>`;
    cairn.productViewed({ ...product });
    document.getElementById('add')!.onclick = () =>
      addToCart(product, Math.max(1, Number((document.getElementById('qty') as HTMLInputElement).value) || 1));
  },
  cart() {
    const cart = loadCart();
    renderCart();
    cairn.cartViewed({ cart_id: cart.id, products: cartLines(cart) });
  },
  checkout() {
    const cart = loadCart();
    const lines = cartLines(cart);
    if (!lines.length) return void (location.href = '/cart.html');
    const total = cartTotal(lines);
    main.innerHTML = `<h1>Checkout</h1><p>${lines.length} item(s), total <strong>${money(total)}</strong></p>
      <form id="order"><label>Email <input name="email" type="email" required value="ada@example.com"></label>
      <button type="submit">Place order</button></form>`;
    cairn.checkoutStarted({ cart_id: cart.id, value: total, currency: 'USD', products: lines });
    (document.getElementById('order') as HTMLFormElement).onsubmit = (event) => {
      event.preventDefault();
      const orderId = 'order-' + crypto.randomUUID().slice(0, 8);
      cairn.orderCompleted({ order_id: orderId, cart_id: cart.id, total, revenue: total, shipping: 0, tax: 0, currency: 'USD', products: lines });
      clearCart();
      location.href = `/order.html?id=${orderId}`;
    };
  },
  order() {
    main.innerHTML = `<h1>Thank you!</h1><p>Order <strong>${escape(params.get('id') || '')}</strong> is on its way.</p>`;
  },
  account() {
    const user = localStorage.getItem('storefront:user');
    if (user) {
      main.innerHTML = `<h1>Hello, ${escape(user)}</h1><button type="button" id="sign-out">Sign out</button>`;
      document.getElementById('sign-out')!.onclick = () => {
        cairn.signedOut();
        localStorage.removeItem('storefront:user');
        pages.account!();
        renderHeader();
      };
      return;
    }
    main.innerHTML = `<h1>Sign in</h1><form id="sign-in"><label>Email <input name="email" type="email" required></label>
      <label>Password <input name="password" type="password" required></label><button type="submit">Sign in</button></form>`;
    (document.getElementById('sign-in') as HTMLFormElement).onsubmit = (event) => {
      event.preventDefault();
      const email = String(new FormData(event.target as HTMLFormElement).get('email'));
      localStorage.setItem('storefront:user', email);
      // The user id is the shop's; a real shop would use its account id rather than the email.
      cairn.signedIn(email, { method: 'password' });
      pages.account!();
      renderHeader();
    };
  },
};

function renderCart() {
  const lines = cartLines(loadCart());
  main.innerHTML = lines.length
    ? `<h1>Your cart</h1><ul class="lines">${lines
        .map((line) => `<li>${line.quantity} × ${line.name} <span>${money(line.price * line.quantity)}</span>
          <button type="button" class="link" data-remove="${line.product_id}">Remove</button></li>`)
        .join('')}</ul><p>Total <strong>${money(cartTotal(lines))}</strong></p><a class="button" href="/checkout.html">Checkout</a>`
    : '<h1>Your cart is empty</h1><p><a href="/">See the coffee</a></p>';
}

function renderHeader() {
  const count = loadCart().items.reduce((sum, item) => sum + item.quantity, 0);
  const user = localStorage.getItem('storefront:user');
  document.getElementById('cart-link')!.textContent = `Cart (${count})`;
  document.getElementById('account-link')!.textContent = user ? 'Account' : 'Sign in';
}

function status(text: string) {
  document.getElementById('status')!.textContent = text;
}

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const add = findProduct(target.getAttribute('data-add'));
  if (add) addToCart(add, 1);
  const removed = target.getAttribute('data-remove');
  if (removed) {
    const cart = loadCart();
    const item = cart.items.find((line) => line.product_id == removed);
    cart.items = cart.items.filter((line) => line != item);
    saveCart(cart);
    cairn.productRemoved({ ...findProduct(removed), quantity: item?.quantity, cart_id: cart.id });
    renderCart();
    renderHeader();
  }
});

renderHeader();
pages[document.body.dataset.page || 'home']!();
