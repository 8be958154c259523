import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setCsrfToken } from '../api/client';

// Tests run without Vitest globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  setCsrfToken(null);
  localStorage.clear();
});
