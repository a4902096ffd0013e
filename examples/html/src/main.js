// The package registers <support-chat>; bundle this file (npm run build) and load it as a module.
import '@support-chat/widget';

const chat = document.querySelector('support-chat');
// Lets the tests (and you, trying it) point the page at another server: ?server=http://host:port
const server = new URLSearchParams(location.search).get('server');
if (server) chat.server = server;

// Your own button can open the chat too.
document.getElementById('help').addEventListener('click', () => chat.open());
