// API.md's role table, so that pages offer only what the signed-in role may do (the API decides).
const TABLE = {
  editCompany: ["owner", "admin"],
  manageEmployees: ["owner", "admin"],
  manageAccounts: ["owner", "admin", "support"],
  release: ["owner", "admin"],
  purchase: ["owner", "admin", "sales"],
  viewActivity: ["owner", "admin"],
};

export const ROLES = ["owner", "admin", "sales", "support", "viewer"];

export function can(me, permission) {
  return Boolean(me && TABLE[permission].includes(me.role));
}
