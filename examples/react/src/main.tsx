import '@support-chat/widget';
import type { SupportChat } from '@support-chat/widget';
// Types <support-chat> in TSX: its props, its ref and its events as on<event-name> props.
import type {} from '@support-chat/widget/react';
import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

// Your support-chat server's URL (?server= lets the tests point the app elsewhere).
const SERVER = new URLSearchParams(location.search).get('server') ?? 'http://localhost:3000';

function App() {
  const chat = useRef<SupportChat>(null);
  const [unread, setUnread] = useState(0);
  return (
    <main>
      <h1>A React app</h1>
      <button type="button" onClick={() => chat.current?.open()}>
        Ask us{unread ? ` (${unread} new)` : ''}
      </button>
      {/* React 19 sets server and position as properties and listens to support-chat-unread (e: CustomEvent<{ count: number }>). */}
      <support-chat ref={chat} server={SERVER} position="bottom-right" onsupport-chat-unread={(e) => setUnread(e.detail.count)} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
