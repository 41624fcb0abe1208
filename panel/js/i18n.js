// Spanish first, English available; the choice is kept in localStorage (not a secret).
const texts = {
  es: {
    skip: "Saltar al contenido", signIn: "Entrar", signOut: "Salir", apiKey: "Clave de API (administración o de empresa)",
    signInHelp: "La clave se guarda solo en esta pestaña (sessionStorage) y viaja en la cabecera X-API-Key, nunca en la URL.",
    badKey: "La clave no es válida.", company: "Empresa", language: "Idioma",
    dashboard: "Resumen", companies: "Empresas", documents: "Documentos", chat: "Probar chat", conversations: "Conversaciones",
    prompts: "Prompts", inbox: "Webhooks", appointments: "Citas",
    services: "Servicios", health: "Salud", requests: "Peticiones por segundo", latency: "Latencia media (ms)", agentUsage: "Uso de agentes",
    healthy: "sano", degraded: "degradado", down: "caído", refresh: "Actualizar", save: "Guardar", create: "Crear", delete: "Eliminar",
    cancel: "Cancelar", edit: "Editar", deactivate: "Desactivar", confirmDelete: "¿Seguro que quieres eliminarlo?",
    name: "Nombre", id: "ID", tier: "Plan", active: "Activa", yes: "sí", no: "no", newCompany: "Nueva empresa",
    companyId: "ID de empresa", companyName: "Nombre de la empresa", salesAgent: "Nombre de la asesora", servicesText: "Servicios",
    chatwoot: "Chatwoot", chatwootUrl: "URL de Chatwoot", chatwootAccount: "Cuenta de Chatwoot", apiKeys: "Claves de API",
    newKey: "Nueva clave", keyShown: "Copia la clave ahora: no se volverá a mostrar.", saved: "Guardado.", created: "Creado.",
    deleted: "Eliminado.", erasedCounts: "citas, eventos de webhook y registros borrados", upload: "Subir archivo", uploadText: "Añadir texto", title: "Título", content: "Contenido", file: "Archivo",
    search: "Buscar", query: "Consulta", results: "Resultados", score: "Puntuación", heading: "Sección", chunks: "Fragmentos",
    created_at: "Creado", message: "Mensaje", send: "Enviar", userId: "ID de usuario", agent: "Agente", intents: "Intenciones",
    sources: "Fuentes", timings: "Tiempos (ms)", lastActivity: "Última actividad", messages: "Mensajes", history: "Historial",
    export: "Exportar", botActive: "Bot activo", template: "Plantilla", source: "Origen", preview: "Vista previa", restore: "Restaurar",
    state: "Estado", attempts: "Intentos", lastError: "Último error", retry: "Reintentar", received: "Recibido", outcome: "Resultado",
    treatment: "Tratamiento", day: "Día", availability: "Disponibilidad", book: "Reservar", patient: "Paciente", phone: "Teléfono", idNumber: "Documento de identidad",
    start: "Inicio", status: "Estado", code: "Código", week: "Semana", previous: "Anterior", next: "Siguiente", none: "Nada por aquí.",
    loading: "Cargando…", progress: "Progreso", documentsCount: "documentos", adminOnly: "Solo para administración.",
    forbidden: "Estas credenciales no pueden ver esta página.", all: "Todos", dead: "Cartas muertas", provider: "Proveedor",
  },
  en: {
    skip: "Skip to content", signIn: "Sign in", signOut: "Sign out", apiKey: "API key (admin or company)",
    signInHelp: "The key is kept in this tab only (sessionStorage) and sent in the X-API-Key header, never in the URL.",
    badKey: "The key is not valid.", company: "Company", language: "Language",
    dashboard: "Dashboard", companies: "Companies", documents: "Documents", chat: "Chat tester", conversations: "Conversations",
    prompts: "Prompts", inbox: "Webhooks", appointments: "Appointments",
    services: "Services", health: "Health", requests: "Requests per second", latency: "Mean latency (ms)", agentUsage: "Agent usage",
    healthy: "healthy", degraded: "degraded", down: "down", refresh: "Refresh", save: "Save", create: "Create", delete: "Delete",
    cancel: "Cancel", edit: "Edit", deactivate: "Deactivate", confirmDelete: "Delete it for good?",
    name: "Name", id: "ID", tier: "Tier", active: "Active", yes: "yes", no: "no", newCompany: "New company",
    companyId: "Company id", companyName: "Company name", salesAgent: "Sales agent name", servicesText: "Services",
    chatwoot: "Chatwoot", chatwootUrl: "Chatwoot URL", chatwootAccount: "Chatwoot account", apiKeys: "API keys",
    newKey: "New key", keyShown: "Copy the key now: it will not be shown again.", saved: "Saved.", created: "Created.",
    deleted: "Deleted.", erasedCounts: "appointments, webhook events and records erased", upload: "Upload file", uploadText: "Add text", title: "Title", content: "Content", file: "File",
    search: "Search", query: "Query", results: "Results", score: "Score", heading: "Section", chunks: "Chunks",
    created_at: "Created", message: "Message", send: "Send", userId: "User id", agent: "Agent", intents: "Intents",
    sources: "Sources", timings: "Timings (ms)", lastActivity: "Last activity", messages: "Messages", history: "History",
    export: "Export", botActive: "Bot active", template: "Template", source: "Source", preview: "Preview", restore: "Restore",
    state: "State", attempts: "Attempts", lastError: "Last error", retry: "Retry", received: "Received", outcome: "Outcome",
    treatment: "Treatment", day: "Day", availability: "Availability", book: "Book", patient: "Patient", phone: "Phone", idNumber: "ID number",
    start: "Start", status: "Status", code: "Code", week: "Week", previous: "Previous", next: "Next", none: "Nothing here.",
    loading: "Loading…", progress: "Progress", documentsCount: "documents", adminOnly: "Admins only.",
    forbidden: "These credentials cannot see this page.", all: "All", dead: "Dead letters", provider: "Provider",
  },
};

export function language() {
  const chosen = localStorage.getItem("panel.language");
  return chosen === "en" ? "en" : "es";
}

export function setLanguage(code) {
  localStorage.setItem("panel.language", code === "en" ? "en" : "es");
  document.documentElement.lang = language();
}

/** The text of `key` in the chosen language (the key itself when missing). */
export function t(key) {
  return texts[language()][key] ?? texts.es[key] ?? key;
}
