/// Example patient messages per intent, in Spanish and English, that the ``ExemplarClassifier`` compares a
/// message with when the lexicons find nothing of its own in it. Product data, written for this purpose
/// (not taken from the router's evaluation sets); a company's embedder turns them into vectors once.
enum ExemplarMessages {
    static let all: [(Intent, String)] = [
        (.sales, "¿Qué precio tiene el tratamiento?"), (.sales, "Me interesa hacerme un tratamiento para las arrugas"),
        (.sales, "¿Tienen alguna promoción este mes?"), (.sales, "¿Qué incluye el paquete de limpieza facial?"),
        (.sales, "Quiero información sobre el relleno de labios"), (.sales, "¿Cuántas sesiones necesito y cuánto vale cada una?"),
        (.sales, "¿Qué diferencia hay entre el ácido hialurónico y el bótox?"), (.sales, "¿Hacen descuento si me hago dos zonas?"),
        (.sales, "How much does the treatment cost?"), (.sales, "Do you have any offers on facials right now?"),
        (.sales, "I'd like to know more about lip fillers"), (.sales, "What results can I expect and how long do they last?"),
        (.support, "¿Dónde está la clínica?"), (.support, "¿A qué hora abren los sábados?"), (.support, "¿Puedo pagar con tarjeta o a plazos?"),
        (.support, "¿Qué cuidados debo tener después de la sesión?"), (.support, "¿Cuál es la política de cancelación?"),
        (.support, "¿Tienen estacionamiento cerca?"), (.support, "¿Me pueden enviar la factura por correo?"),
        (.support, "Where exactly are you located?"), (.support, "What are your opening hours?"), (.support, "Do you accept insurance?"),
        (.support, "Can I exercise after the treatment?"), (.support, "How can I contact you by phone?"),
        (.schedule, "Quiero reservar una cita"), (.schedule, "Agéndame para el martes a las cuatro"), (.schedule, "Necesito cambiar mi cita"),
        (.schedule, "Cancela mi cita de mañana, por favor"), (.schedule, "Apúntame para una valoración"), (.schedule, "Sí, confirmo la reserva"),
        (.schedule, "Mi nombre es Laura Ruiz y mi cédula es 1020304050"), (.schedule, "I want to book an appointment"),
        (.schedule, "Please move my appointment to Friday"), (.schedule, "I need to cancel my booking"),
        (.schedule, "Can you put me down for next Thursday at 10?"), (.schedule, "Yes, please book it"),
        (.availability, "¿Qué horarios tienen libres esta semana?"), (.availability, "¿Hay hueco el viernes por la tarde?"),
        (.availability, "¿Cuándo tienen disponibilidad para una limpieza?"), (.availability, "¿Atienden el sábado por la mañana?"),
        (.availability, "¿Qué días hay cita disponible?"), (.availability, "¿Tienen algo libre mañana?"),
        (.availability, "What times are free on Monday?"), (.availability, "Do you have any openings this week?"),
        (.availability, "When is the next available slot?"), (.availability, "Is there anything free tomorrow afternoon?"),
        (.availability, "Which days can I come in?"), (.availability, "¿Para cuándo me podrían atender?"),
    ]
}
