// PLACEHOLDER entry so the build runs; the auth owner replaces this file with the MSAL dialog page.
const container = document.getElementById('root');
if (container) container.textContent = 'Candor sign-in';
