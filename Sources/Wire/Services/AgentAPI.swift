/// The agent service's methods: conversations, router and agents.
public enum AgentAPI {
    /// The Wire service name.
    public static let service = ServiceName.agent.rawValue
    /// The persona and agents the service uses for a company (`notFound` for unknown companies).
    public static let describeCompany = Method<DescribeCompanyRequest, AgentCompanyDescription>(
        service: service, name: "describeCompany")
    /// Each agent's prompt for a company and where it comes from (custom, company default, built-in).
    public static let describePrompts = Method<DescribePromptsRequest, AgentPrompts>(service: service, name: "describePrompts")
    /// Renders a prompt template with sample values (`invalidArgument` with field metadata for unknown placeholders).
    public static let previewPrompt = Method<PreviewPromptRequest, PromptPreview>(service: service, name: "previewPrompt")

    /// Free starts for a treatment in the company's calendar.
    public static let appointmentAvailability = Method<AvailabilityRequest, AvailabilityAnswer>(
        service: service, name: "appointmentAvailability", idempotent: true)
    /// Books an appointment (`alreadyExists` with error code `slot_taken` when the place is gone;
    /// `invalidArgument` with `outside_hours`, `past_time`, `too_soon`, `beyond_horizon`, `unknown_treatment`,
    /// `missing_patient_fields`). Idempotent with an idempotency key.
    public static let bookAppointment = Method<BookAppointmentRequest, AppointmentAnswer>(service: service, name: "bookAppointment")
    public static let rescheduleAppointment = Method<RescheduleAppointmentRequest, AppointmentAnswer>(service: service, name: "rescheduleAppointment")
    public static let cancelAppointment = Method<AppointmentReference, AppointmentAnswer>(service: service, name: "cancelAppointment")
    public static let getAppointment = Method<AppointmentReference, AppointmentAnswer>(service: service, name: "getAppointment", idempotent: true)
    public static let listAppointments = Method<ListAppointmentsRequest, AppointmentList>(service: service, name: "listAppointments", idempotent: true)
    /// What the date and time understanding makes of a text.
    public static let parseDateTime = Method<ParseDateTimeRequest, DateTimeUnderstanding>(service: service, name: "parseDateTime", idempotent: true)

    /// Answers one patient message: router, agents, memory (not idempotent: it appends to the conversation).
    public static let chat = Method<ChatRequest, ChatAnswer>(service: service, name: "chat")
    public static let listConversations = Method<ListConversationsRequest, ConversationPage>(service: service, name: "listConversations", idempotent: true)
    public static let conversationHistory = Method<ConversationReference, ConversationHistory>(service: service, name: "conversationHistory",
                                                                                               idempotent: true)
    /// Everything held about one patient: conversation, collected data, chat-booked appointments, webhook deliveries.
    public static let exportConversation = Method<ConversationReference, ConversationExport>(service: service, name: "exportConversation",
                                                                                             idempotent: true)
    /// Erases one patient from every store of the agent service: conversation, bot status, collected data,
    /// statistics records, the appointments the chat booked and the webhook deliveries (`notFound` when
    /// there is nothing of theirs).
    public static let deleteConversation = Method<ConversationReference, ConversationErasure>(service: service, name: "deleteConversation")

    /// The company's conversation statistics for a period (from the turn log of its memory).
    public static let companyStatistics = Method<CompanyStatisticsRequest, CompanyStatistics>(service: service, name: "companyStatistics", idempotent: true)
    /// The agents, memory and language model the service has for a company.
    public static let companyHealth = Method<AgentCompanyHealthRequest, AgentCompanyHealth>(service: service, name: "companyHealth", idempotent: true)

    /// Stores one Chatwoot webhook delivery after checking its signature (`unauthenticated` with error code
    /// `invalid_signature`, `invalidArgument` with `malformed_payload`); answers once it is durable.
    public static let acceptWebhook = Method<AcceptWebhookRequest, AcceptWebhookResponse>(service: service, name: "acceptWebhook")
    /// A page of the company's stored webhook events, newest first, with the count in each state.
    public static let listWebhookEvents = Method<ListWebhookEventsRequest, WebhookEventPage>(service: service, name: "listWebhookEvents",
                                                                                             idempotent: true)
    /// One stored event with its masked payload and outbox (`notFound` with `event_not_found`).
    public static let getWebhookEvent = Method<WebhookEventReference, WebhookEventDetail>(service: service, name: "getWebhookEvent", idempotent: true)
    /// Puts a dead (or pending) event back in line with its attempts reset (`failedPrecondition` with
    /// `event_not_retryable` for one already done or being processed).
    public static let retryWebhookEvent = Method<WebhookEventReference, WebhookEventSummary>(service: service, name: "retryWebhookEvent")
    /// The inbox's events per company and state, and the processor's counters since the service started
    /// (service-wide: for `/metrics`).
    public static let webhookMetrics = Method<Empty, WebhookMetrics>(service: service, name: "webhookMetrics", idempotent: true)

    /// Every method the agent service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [
        describeCompany.descriptor, describePrompts.descriptor, previewPrompt.descriptor, appointmentAvailability.descriptor,
        bookAppointment.descriptor, rescheduleAppointment.descriptor, cancelAppointment.descriptor, getAppointment.descriptor,
        listAppointments.descriptor, parseDateTime.descriptor, chat.descriptor, listConversations.descriptor, conversationHistory.descriptor,
        exportConversation.descriptor, deleteConversation.descriptor, companyStatistics.descriptor, companyHealth.descriptor, acceptWebhook.descriptor,
        listWebhookEvents.descriptor, getWebhookEvent.descriptor, retryWebhookEvent.descriptor, webhookMetrics.descriptor,
    ]
}
