// PLACEHOLDER: owned by helper "web".
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<h1>AgentMesh</h1>);
