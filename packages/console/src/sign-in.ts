// The sign-in page's only script (CSP: no inline script): says why a sign-in failed, and signs
// in with a token handed over in the URL fragment (`npm start` prints such a link; a fragment
// never reaches the server, its logs or a Referer header).
const form = document.querySelector('form') as HTMLFormElement;
const input = form.querySelector('input[name="token"]') as HTMLInputElement;
if (new URLSearchParams(location.search).has('failed')) {
  (document.getElementById('error') as HTMLElement).hidden = false;
}
const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (token) {
  history.replaceState(null, '', location.pathname);
  input.value = token;
  form.submit();
}
