// Telegram opens a Mini App with its signed launch data in the address's fragment
// (#tgWebAppData=...); reading it here needs no script from elsewhere.
const launch = new URLSearchParams(window.location.hash.slice(1));
const data = launch.get("tgWebAppData");
if (data) {
  document.getElementById("init_data").value = data;
  document.getElementById("signin").submit();
} else {
  document.querySelector("h1").textContent = "Open this page from the Parent Brain bot in Telegram.";
}
