// Placeholder: the web UI comes separately. Relative URLs only (works behind /api/logs/).
"use strict";
