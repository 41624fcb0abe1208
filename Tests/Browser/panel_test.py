#!/usr/bin/env python3
"""The admin panel driven in headless Chromium (Selenium), against a running system.

Signs in with the admin key; creates a company whose name is an XSS probe; uploads a document (a file, with
progress) and adds one whose title is an XSS probe; finds it by search; chats and sees the cited source; books an
appointment and cancels it; opens the conversation, prompts and inbox pages; switches to English; deletes what it
made; reads the API reference at /docs. No probe may execute, the browser console must stay free of errors (a CSP violation is one), and every page
is saved as a screenshot in the artefacts folder.

Usage: panel_test.py --base http://127.0.0.1:PORT --admin-key KEY --artefacts DIR
Exit status 0 when every check passed; each check prints one line.
"""
import argparse
import datetime
import os
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

XSS_NAME = '<img src=x onerror="window.__xss=1">Clínica <script>window.__xss=2</script>Sonrisa'
XSS_TITLE = '<svg onload="window.__xss=3">Precios <b>botox</b>'
failures = []


def check(condition, message):
    print(("  ✔ " if condition else "  ✘ ") + message, flush=True)
    if not condition:
        failures.append(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--admin-key", required=True)
    parser.add_argument("--artefacts", required=True)
    options = parser.parse_args()
    os.makedirs(options.artefacts, exist_ok=True)

    chrome = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,1000", "--lang=es"):
        chrome.add_argument(argument)
    chrome.binary_location = "/usr/bin/chromium"
    chrome.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=chrome)
    wait = WebDriverWait(driver, 20)

    def by_id(name):
        return wait.until(EC.presence_of_element_located((By.ID, name)))

    def visible_text(text, timeout=20):
        try:
            WebDriverWait(driver, timeout).until(lambda d: text in d.find_element(By.TAG_NAME, "main").text)
            return True
        except TimeoutException:
            return False

    def page(name):
        by_id("nav-" + name).click()
        # The shell marks the page ready once its module has loaded its data.
        wait.until(lambda d: d.find_element(By.ID, "main").get_attribute("data-ready") == name)

    def shot(name):
        driver.save_screenshot(os.path.join(options.artefacts, name + ".png"))

    def probes_silent(where):
        check(driver.execute_script("return window.__xss === undefined"), f"{where}: no XSS probe executed")

    def accept_confirm():
        WebDriverWait(driver, 5).until(EC.alert_is_present())
        driver.switch_to.alert.accept()

    try:
        driver.get(options.base + "/")
        by_id("api-key").send_keys("wrong-key" + Keys.ENTER)
        wait.until(lambda d: "status error" in d.find_element(By.ID, "status").get_attribute("class"))
        check(by_id("status").text != "", "a wrong key is refused with a message")
        shot("00-sign-in")
        key = by_id("api-key")
        key.clear()
        key.send_keys(options.admin_key + Keys.ENTER)
        by_id("health-title")
        check("api-key" not in driver.current_url and options.admin_key not in driver.current_url, "the key is not in the URL")
        check(driver.execute_script("return sessionStorage.getItem('panel.key')") == options.admin_key, "the key is kept in sessionStorage")
        check(visible_text("config"), "dashboard: the services' health is shown")
        by_id("chart-requests")
        WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-agents svg, #chart-agents p"))
        check(len(driver.find_elements(By.CSS_SELECTOR, "#chart-requests svg")) == 1, "dashboard: the request-rate chart is drawn")
        shot("01-dashboard")

        # Companies: create one whose name is an XSS probe; it shows as text.
        page("companies")
        by_id("new-company-id").send_keys("sonrisa-xss")
        by_id("new-company-name").send_keys(XSS_NAME)
        by_id("new-company-services").send_keys("ortodoncia, blanqueamiento")
        by_id("create-company").click()
        check(visible_text("sonrisa-xss") and visible_text("Clínica <script>"), "companies: the new company is listed, its name as text")
        probes_silent("companies")
        driver.find_element(By.CSS_SELECTOR, "button[data-company='sonrisa-xss']").click()
        by_id("edit-name")
        by_id("edit-chatwoot-url").send_keys("https://chat.sonrisa.example")
        by_id("save-company").click()
        check(visible_text("sonrisa-xss"), "companies: the company's settings are saved")
        by_id("create-key").click()
        wait.until(lambda d: "cbk_" in d.find_element(By.ID, "new-key-value").text)
        check(True, "companies: an API key is created and shown once")
        shot("02-companies")

        Select(by_id("company-select")).select_by_value("benova")
        wait.until(lambda d: "benova" in d.find_element(By.ID, "page-title").text)

        # Documents: a file with progress, a text whose title is a probe, search with scores and headings.
        page("documents")
        with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as handle:
            handle.write("# Cuidados tras el peeling\n\nEvita el sol durante 7 días y usa protector solar factor 50.\n")
            upload_path = handle.name
        by_id("upload-file").send_keys(upload_path)
        by_id("upload-button").click()
        wait.until(lambda d: d.find_element(By.ID, "upload-progress").get_attribute("value") == "1")
        check(visible_text("Cuidados tras el peeling"), "documents: the uploaded file is listed")
        by_id("doc-title").send_keys(XSS_TITLE)
        by_id("doc-content").send_keys("## Tarifas\nEl tratamiento con toxina botulínica (botox) cuesta 250 € por zona en Benova.")
        by_id("add-text").click()
        check(visible_text("Precios <b>botox</b>"), "documents: the probe title is listed as text")
        probes_silent("documents")
        by_id("search-query").send_keys("¿cuánto cuesta el botox?" + Keys.ENTER)
        WebDriverWait(driver, 20).until(lambda d: "Tarifas" in d.find_element(By.ID, "search-results").text)
        results = by_id("search-results").text
        check("Precios <b>botox</b>" in results and "250 €" in results, "documents: search finds it, with its heading and score")
        shot("03-documents")

        # Chat: the answer cites the document.
        page("chat")
        by_id("chat-message").send_keys("¿Cuánto cuesta el botox?")
        by_id("chat-send").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log .bubble.assistant"))
        answer = driver.find_element(By.CSS_SELECTOR, "#chat-log .bubble.assistant").text
        check("250" in answer, "chat: the answer has the clinic's price")
        check("Precios <b>botox</b>" in by_id("chat-details").text, "chat: the cited source is shown")
        check(by_id("chat-agent").text.startswith("sales"), "chat: the agent is shown")
        probes_silent("chat")
        shot("04-chat")

        # Appointments: free slots next Monday, book one, then cancel it.
        page("appointments")
        monday = datetime.date.today() + datetime.timedelta(days=(7 - datetime.date.today().weekday()) % 7 or 7)
        Select(by_id("slot-treatment")).select_by_value("botox")
        driver.execute_script("arguments[0].value = arguments[1]", by_id("slot-day"), monday.isoformat())
        by_id("patient-name").send_keys("Ana Pérez")
        by_id("patient-id-number").send_keys("1020304050")
        by_id("patient-phone").send_keys("+573001112233")
        by_id("find-slots").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#slots button[data-slot]"))
        driver.find_elements(By.CSS_SELECTOR, "#slots button[data-slot]")[0].click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-cancel]"))
        check("Ana Pérez" in by_id("appointment-list").text, "appointments: the booking is listed")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#calendar .item")) >= 1, "appointments: the calendar shows it")
        shot("05-appointments")
        driver.find_elements(By.CSS_SELECTOR, "button[data-cancel]")[0].click()
        accept_confirm()
        WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "button[data-cancel]"))
        check("cancelled" in by_id("appointment-list").text, "appointments: the booking is cancelled")

        # Conversations: the chat's conversation, its history, erase.
        page("conversations")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-user='panel-tester']"))
        driver.find_element(By.CSS_SELECTOR, "button[data-user='panel-tester']").click()
        check(visible_text("¿Cuánto cuesta el botox?"), "conversations: the history shows the patient's message")
        shot("06-conversations")
        by_id("delete-conversation").click()
        accept_confirm()
        WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "button[data-user='panel-tester']"))
        check(True, "conversations: the conversation is erased")

        page("prompts")
        by_id("preview-button-sales").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "preview-sales").text != "")
        check("Benova" in by_id("preview-sales").text or len(by_id("preview-sales").text) > 40, "prompts: the preview is rendered")
        shot("07-prompts")

        page("inbox")
        by_id("inbox-state")
        shot("08-inbox")

        # English, then back.
        Select(by_id("language-select")).select_by_value("en")
        wait.until(lambda d: d.find_element(By.ID, "nav-documents").text == "Documents")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "the panel switches to English")
        page("documents")
        shot("09-documents-en")
        # Delete the probe document with confirmation.
        button = driver.find_element(By.XPATH, "//tr[td[contains(., 'Precios <b>botox</b>')]]//button[@data-document]")
        button.click()
        accept_confirm()
        WebDriverWait(driver, 10).until(lambda d: "Precios <b>botox</b>" not in d.find_element(By.ID, "document-list").text)
        check(True, "documents: the document is deleted")
        Select(by_id("language-select")).select_by_value("es")
        probes_silent("the whole run")

        # One more chat (the erasure above took the first one's statistics records with it), then the dashboard
        # again, now with traffic: metric samples 3 s apart draw the rate and latency lines.
        page("chat")
        by_id("chat-message").send_keys("¿Cuánto cuesta el botox?")
        by_id("chat-send").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log .bubble.assistant"))
        page("dashboard")
        WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-agents svg"))
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-requests svg path"))
        check(True, "dashboard: request rate, latency and agent usage charts are drawn from real traffic")
        shot("10-dashboard-with-traffic")

        # Keyboard: the skip link comes first and moves focus to the content; the sections are next in Tab order.
        driver.execute_script("document.querySelector('.skip').focus()")
        ActionChains(driver).send_keys(Keys.TAB).perform()
        check(driver.switch_to.active_element.get_attribute("id") == "nav-dashboard", "keyboard: Tab goes from the skip link to the sections")
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).send_keys(Keys.ENTER).perform()
        check(driver.switch_to.active_element.get_attribute("id") == "main", "keyboard: the skip link moves focus to the content")
        ActionChains(driver).send_keys(Keys.TAB).perform()
        check(driver.switch_to.active_element.tag_name in ("a", "button", "input", "select", "textarea"), "keyboard: the content's controls follow")

        # The API reference, offline, from docs/openapi.yaml.
        driver.get(options.base + "/docs")
        by_id("docs-filter").send_keys("multimedia voice")
        WebDriverWait(driver, 10).until(lambda d: [s for s in d.find_elements(By.CSS_SELECTOR, ".operation") if s.is_displayed()])
        shown = [section.text for section in driver.find_elements(By.CSS_SELECTOR, ".operation") if section.is_displayed()]
        check(len(shown) == 1 and "/api/multimedia/process-voice" in shown[0] and "415" in shown[0], "docs: the API reference renders and filters")
        shot("11-docs")

        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        # The wrong key's 401s are expected console noise; nothing else may fail (a CSP violation would be here).
        unexpected = [entry["message"] for entry in errors if " 401 " not in entry["message"] and "(Unauthorized)" not in entry["message"]]
        check(not unexpected, "the console has no errors" + ("" if not unexpected else ": " + " | ".join(unexpected[:3])))
    except Exception as error:  # a step that could not run is a failure with a screenshot of where it stopped
        failures.append(f"{type(error).__name__}: {error}")
        print(f"  ✘ stopped: {type(error).__name__}: {str(error)[:300]}", flush=True)
        shot("99-failure")
    finally:
        driver.quit()
    print(f"{len(failures)} failure(s); screenshots in {options.artefacts}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
