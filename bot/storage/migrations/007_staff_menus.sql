-- Who has a staff command menu on their phone. Admins come from ADMIN_IDS: someone taken out
-- of it is no longer staff after a restart, and their menu is removed at start-up because
-- it is listed here.
CREATE TABLE staff_menus (
    user_id INTEGER PRIMARY KEY
);
