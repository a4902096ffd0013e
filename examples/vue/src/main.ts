import { createApp } from 'vue';
import App from './App.vue';

// Your support-chat server's URL (?server= lets the tests point the app elsewhere).
const server = new URLSearchParams(location.search).get('server') ?? 'http://localhost:3000';

createApp(App, { server }).mount('#app');
