// Page-wide state the shell and the router share: the flash message.
import { reactive } from 'vue';

export const ui = reactive({ flash: '', keep: false });
