// The sign-in page's only script (CSP: no inline script): says why a sign-in failed, and signs
// in with a token handed over in the URL fragment (`npm start` prints such a link; a fragment
// never reaches the server, its logs or a Referer header).
const form = document.querySelector('form') as HTMLFormElement;
const input = form.querySelector('input[name="token"]') as HTMLInputElement;
const query = new URLSearchParams(location.search);
const error = document.getElementById('error') as HTMLElement;
if (query.has('failed')) error.hidden = false;
// Sent back here while this address backs off after wrong tokens (or signs in too often).
const wait = Number(query.get('wait'));
if (wait > 0) {
  error.textContent = `Too many sign-in attempts from this address: wait ${wait} s, then try again.`;
  error.hidden = false;
}
const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (token) {
  history.replaceState(null, '', location.pathname);
  input.value = token;
  form.submit();
}
