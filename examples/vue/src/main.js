import '@support-chat/widget';
import { createApp } from 'vue';

// Your support-chat server's URL (?server= lets the tests point the app elsewhere).
const server = new URLSearchParams(location.search).get('server') ?? 'http://localhost:3000';

const app = createApp({
  data: () => ({ server, unread: 0 }),
  template: `
    <main>
      <h1>A Vue app</h1>
      <button type="button" @click="$refs.chat.open()">Ask us<template v-if="unread"> ({{ unread }} new)</template></button>
      <support-chat ref="chat" :server="server" @support-chat-unread="unread = $event.detail.count"></support-chat>
    </main>`,
});
// <support-chat> is a custom element, not a Vue component (with Vite: the same option under
// vue({ template: { compilerOptions } })).
app.config.compilerOptions.isCustomElement = (tag) => tag === 'support-chat';
app.mount('#app');
