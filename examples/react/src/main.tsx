import '@support-chat/widget';
import type { SupportChat } from '@support-chat/widget';
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

// Your support-chat server's URL (?server= lets the tests point the app elsewhere).
const SERVER = new URLSearchParams(location.search).get('server') ?? 'http://localhost:3000';

function App() {
  const chat = useRef<SupportChat>(null);
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    const el = chat.current;
    if (!el) return;
    // Typed: e is CustomEvent<{ count: number }>.
    const onUnread = (e: HTMLElementEventMap['support-chat-unread']) => setUnread(e.detail.count);
    el.addEventListener('support-chat-unread', onUnread);
    return () => el.removeEventListener('support-chat-unread', onUnread);
  }, []);
  return (
    <main>
      <h1>A React app</h1>
      <button type="button" onClick={() => chat.current?.open()}>
        Ask us{unread ? ` (${unread} new)` : ''}
      </button>
      <support-chat ref={chat} server={SERVER} position="bottom-right" />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
