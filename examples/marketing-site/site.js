// The site's own code: every "Add to cart" button sends a "Product Added" event. The product
// lives in the button's data-* attributes, so the HTML stays the one place that describes it.
// `cairn` is the stub until /cairn.js has loaded, then the tracker; both take the same calls.
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('button[data-product-id]') : null;
  if (!button) return;
  var data = button.dataset;
  var qtyInput = data.qtyInput ? document.getElementById(data.qtyInput) : null;
  var quantity = qtyInput ? Math.max(1, parseInt(qtyInput.value, 10) || 1) : 1;
  window.cairn.track('Product Added', {
    product_id: data.productId,
    sku: data.sku,
    name: data.name,
    price: Number(data.price),
    quantity: quantity,
    currency: data.currency,
  });
  var status = document.getElementById('demo-status');
  if (status) status.textContent = 'Sent "Product Added" (' + quantity + ' × ' + data.name + '). Watch the collector log.';
});
