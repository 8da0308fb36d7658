/* Private: moving a key file into place (key.c), for the store's key file (store_key.c). */
#ifndef YH_ENGINE_KEY_FILE_H
#define YH_ENGINE_KEY_FILE_H

/* Renames the file `from` to `to` unless `to` exists (YH_EEXIST, `from` kept), atomically
 * where the file system allows, and syncs the folder. */
int yh_key_file_move(const char *from, const char *to);

#endif
