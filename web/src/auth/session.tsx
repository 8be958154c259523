import { createContext, useContext } from 'react';
import type { Me } from '../api/auth';

/** The signed-in caller, provided by RequireAuth to every page behind it. */
export const SignedInContext = createContext<Me | null>(null);

/** The signed-in caller. Only for components rendered inside RequireAuth. */
export function useSignedIn(): Me {
  const me = useContext(SignedInContext);
  if (!me) throw new Error('useSignedIn is only for pages behind RequireAuth');
  return me;
}
