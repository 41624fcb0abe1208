import Foundation
import Testing
import TextFolding
@testable import AgentCore

struct IntentRouterTests {
    let router = IntentRouter()

    func intents(_ text: String, context: [RouterTurn] = []) -> [Intent] { router.classify(text, context: context).map(\.intent) }

    @Test func commonMessages() {
        #expect(intents("¿Cuánto cuesta un botox?") == [.sales])
        #expect(Set(intents("¿Cuánto cuesta un botox y cuándo tienen disponible?")) == [.sales, .availability])
        #expect(intents("¿A qué hora abren el sábado?").contains(.support))
        #expect(intents("Quiero reservar una cita para rellenos").first == .schedule)
        #expect(intents("¿tienen hueco el viernes por la tarde?") == [.availability])
        #expect(intents("how much is lip filler?") == [.sales])
        #expect(intents("I'd like to book an appointment for botox") .first == .schedule)
    }

    @Test func emergencies_ComeFirst_AndTrapsDoNot() {
        #expect(intents("Me puse relleno de labios hace dos horas y el labio se me está poniendo morado").first == .emergency)
        #expect(intents("my lip looks greyish since the filler this morning and it throbs").first == .emergency)
        #expect(intents("no puedo respirar bien y tengo la lengua hinchada").first == .emergency)
        #expect(intents("después del botox se me cae el párpado").first == .emergency)
        #expect(!intents("me duele el bolsillo con esos precios").contains(.emergency))
        #expect(!intents("me muero por hacerme el botox").contains(.emergency))
        #expect(!intents("this price is killing me").contains(.emergency))
        #expect(!intents("¿el láser duele?").contains(.emergency))
    }

    @Test func followUps_UseTheConversation() {
        let price = [RouterTurn(fromPatient: true, text: "¿Cuánto cuesta el botox?", intents: [.sales]),
                     RouterTurn(fromPatient: false, text: "El botox cuesta 220 € por zona.")]
        #expect(intents("¿y el de labios?", context: price) == [.sales])
        let slots = [RouterTurn(fromPatient: true, text: "¿tienen disponible el jueves?", intents: [.availability]),
                     RouterTurn(fromPatient: false, text: "El jueves tenemos a las 10:00 y a las 16:30.")]
        #expect(intents("¿y el viernes?", context: slots) == [.availability])
        let data = [RouterTurn(fromPatient: true, text: "quiero reservar", intents: [.schedule]),
                    RouterTurn(fromPatient: false, text: "Perfecto. ¿Me dices tu nombre completo y tu cédula?")]
        #expect(intents("Lucía Gómez, 1020304050", context: data) == [.schedule])
        // The answer to "your phone?" is booking data, even though it says "teléfono" and the number is in groups.
        let phone = [RouterTurn(fromPatient: true, text: "mi dni es 12345678", intents: [.schedule]),
                     RouterTurn(fromPatient: false, text: "¿Me indicas tu teléfono?")]
        #expect(intents("mi teléfono es +34 600 111 222", context: phone) == [.schedule])
        // A day and time while the booking asks for them is schedule, even after a mixed turn.
        let when = [RouterTurn(fromPatient: true, text: "hola, quiero reservar y saber el horario", intents: [.schedule, .support]),
                    RouterTurn(fromPatient: false, text: "¿Qué día y a qué hora te gustaría?")]
        #expect(intents("el próximo jueves a las 11", context: when) == [.schedule])
        // A question about the clinic's phone is still support.
        #expect(intents("¿cuál es el teléfono de la clínica?", context: phone) != [.schedule])
    }
}

/// The router's own folding agrees with Foundation's on the text patients write, and its phrase search finds whole words only.
struct RouterTextTests {
    @Test func folding_MatchesFoundation() {
        for text in ["¿Cuánto CUESTA el Botox?", "Mañana PUEDO ir, ¿sí?", "ÀÉÎÕÜ çÇ ñÑ ýÿ", "precio: 120 € — “oferta” ’", "crème brûlée", "Ærø ßtraße 😀",
                     "cafe\u{301} con leche", "Ελληνικά", "100% ª º ¡hola!"] {
            let expected = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            #expect(LatinFolding.folded(text) == expected, "\(text)")
        }
    }

    @Test func phrases_MatchWholeWordsOnly() {
        let text = RouterText("Hola, ¿cuánto cuesta el botox en la frente?")
        #expect(text.contains("cuanto cuesta") && text.contains("hola") && text.contains("frente") && text.contains("el botox en"))
        #expect(!text.contains("cuesta el b") && !text.contains("ola") && !text.contains("botox frente") && !text.contains(""))
        #expect(RouterText("a a b").contains("a b") && RouterText("aa b").contains("a b") == false)
        #expect(text.isQuestion && !text.hasEmail && RouterText("mi correo es ana@x.com").hasEmail)
    }
}
