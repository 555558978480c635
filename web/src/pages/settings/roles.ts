// What the signed-in user may do in the workspace shown, by their role there (the server decides; the
// page only leaves out controls that would be refused).
import type { Me } from '../../api';

export const ROLES = ['viewer', 'analyst', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const roleIn = (me: Me, workspace: string): Role => {
  const r = me.workspaces.find((w) => w.id === workspace)?.role;
  return (ROLES as readonly string[]).includes(r ?? '') ? (r as Role) : 'viewer';
};

export const atLeast = (role: Role, needed: Role): boolean =>
  ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** The roles a caller may give (never above their own). */
export const grantable = (role: Role): Role[] => ROLES.filter((r) => atLeast(role, r));
